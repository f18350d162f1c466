// The personal-data primitives (replication/personal_data.h): what an edge
// seals only the hub's secret opens, a text opens only with its key and in
// its own field, and the hub's secret file is created once and read back
// to the same keys.
#include "hailong/replication/personal_data.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hailong/testing/temp_dir.h"

namespace hailong::replication::personal {
namespace {

// A verified view of a SealedTextT.
struct Packed {
  explicit Packed(const fb::SealedTextT& t) {
    fbb.Finish(fb::SealedText::Pack(fbb, &t));
    view = flatbuffers::GetRoot<fb::SealedText>(fbb.GetBufferPointer());
  }
  flatbuffers::FlatBufferBuilder fbb;
  const fb::SealedText* view = nullptr;
};

TEST(PersonalDataTest, OnlyTheHubOpensWhatAnEdgeSealed) {
  ::hailong::testing::TempDir dir("personal-data");
  std::unique_ptr<HubSecrets> hub;
  ASSERT_TRUE(HubSecrets::Load(dir.Join("hub.key"), /*create=*/true, &hub).ok());
  const DataKey key = NewDataKey();
  auto sealed = SealText(key, "comment", "Chị Lan ở quầy 2 rất tận tình");
  Packed text(*sealed);
  EXPECT_EQ(KeyIdHex(text.view), KeyIdHex(key.id));
  const std::string box = SealDataKey(key, hub->public_key());
  ASSERT_EQ(box.size(), kSealedDataKeyBytes);

  DataKey opened;
  ASSERT_TRUE(hub->OpenSealedKey(box, &opened).ok());
  EXPECT_EQ(opened.id, key.id);
  std::string clear;
  ASSERT_TRUE(OpenText(opened.key, *text.view, "comment", &clear).ok());
  EXPECT_EQ(clear, "Chị Lan ở quầy 2 rất tận tình");
  // Not in another field, not with another key, not by another hub.
  EXPECT_FALSE(OpenText(opened.key, *text.view, "phone", &clear).ok());
  EXPECT_FALSE(OpenText(NewDataKey().key, *text.view, "comment", &clear).ok());
  std::unique_ptr<HubSecrets> other;
  ASSERT_TRUE(HubSecrets::Load(dir.Join("other.key"), true, &other).ok());
  EXPECT_FALSE(other->OpenSealedKey(box, &opened).ok());

  // Keys sealed in one session (one key exchange for many keys) open the
  // same way, each with its own nonce, and only at this hub.
  KeySealingSession session(hub->public_key());
  const DataKey second = NewDataKey();
  const std::string a = session.Seal(key), b = session.Seal(second);
  ASSERT_EQ(a.size(), kSessionSealedDataKeyBytes);
  EXPECT_EQ(a.substr(0, 32), b.substr(0, 32));    // one ephemeral key
  EXPECT_NE(a.substr(32, 24), b.substr(32, 24));  // fresh nonces
  ASSERT_TRUE(hub->OpenSealedKey(a, &opened).ok());
  EXPECT_EQ(opened.id, key.id);
  EXPECT_EQ(opened.key, key.key);
  ASSERT_TRUE(hub->OpenSealedKey(b, &opened).ok());
  EXPECT_EQ(opened.id, second.id);
  EXPECT_FALSE(other->OpenSealedKey(a, &opened).ok());
  std::string flipped = a;
  flipped[70] ^= 1;
  EXPECT_FALSE(hub->OpenSealedKey(flipped, &opened).ok());
  EXPECT_FALSE(hub->OpenSealedKey(a.substr(0, 100), &opened).ok());
  EXPECT_EQ(a.find(std::string(reinterpret_cast<const char*>(key.key.data()), 32)),
            std::string::npos);

  // The wrapped form opens only with the same secret file.
  const std::string wrapped = hub->Wrap(key);
  std::array<uint8_t, kDataKeyBytes> unwrapped;
  ASSERT_TRUE(hub->Unwrap(wrapped, &unwrapped).ok());
  EXPECT_EQ(unwrapped, key.key);
  EXPECT_FALSE(other->Unwrap(wrapped, &unwrapped).ok());
  EXPECT_EQ(wrapped.find(std::string(reinterpret_cast<const char*>(key.key.data()), 32)),
            std::string::npos);
}

TEST(PersonalDataTest, TheSecretFileIsMadeOnceAndReadBack) {
  ::hailong::testing::TempDir dir("personal-data");
  const std::string path = dir.Join("hub.key");
  std::unique_ptr<HubSecrets> a, b;
  EXPECT_TRUE(HubSecrets::Load(path, /*create=*/false, &a).IsNotFound());
  ASSERT_TRUE(HubSecrets::Load(path, true, &a).ok());
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_TRUE(HubSecrets::Load(path, true, &b).ok());
  EXPECT_EQ(a->public_key(), b->public_key());
  EXPECT_EQ(a->BlindIndex("+84 912 345 678"), b->BlindIndex("0912345678"));
  EXPECT_NE(a->BlindIndex("0912345678"), a->BlindIndex("0912345679"));
  std::ofstream(dir.Join("bad.key")) << "not hex\n";
  EXPECT_TRUE(HubSecrets::Load(dir.Join("bad.key"), true, &a).IsInvalidArgument());
}

}  // namespace
}  // namespace hailong::replication::personal
