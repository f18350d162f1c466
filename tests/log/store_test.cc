#include "hailong/replication/store.h"

#include <gtest/gtest.h>

#include "hailong/testing/temp_dir.h"

namespace hailong::replication {
namespace {

TEST(StoreTest, WriteGetScanLastAndCheckpoint) {
  hailong::testing::TempDir tmp("store");
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::Open(StoreOptions(), tmp.Join("db"), &store).ok());
  WriteBatch b;
  b.Put("a/1", "one");
  b.Put("a/2", "two");
  b.Put("b/1", "Bình Thạnh");
  EXPECT_EQ(b.Count(), 3u);
  ASSERT_TRUE(store->Write(b, true).ok());
  std::string v;
  ASSERT_TRUE(store->Get("b/1", &v).ok());
  EXPECT_EQ(v, "Bình Thạnh");
  EXPECT_TRUE(store->Get("zz", &v).IsNotFound());

  std::vector<std::string> seen;
  ASSERT_TRUE(store
                  ->Scan("a/", "a0",
                         [&](std::string_view k, std::string_view) {
                           seen.emplace_back(k);
                           return true;
                         })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a/1", "a/2"}));
  std::string k;
  ASSERT_TRUE(store->Last("a/", "a0", &k, &v).ok());
  EXPECT_EQ(k, "a/2");
  EXPECT_TRUE(store->Last("c/", "c0", &k, &v).IsNotFound());

  WriteBatch d;
  d.Delete("a/1");
  ASSERT_TRUE(store->Write(d, false).ok());
  EXPECT_TRUE(store->Get("a/1", &v).IsNotFound());

  ASSERT_TRUE(store->Checkpoint(tmp.Join("cp")).ok());
  std::unique_ptr<Store> copy;
  ASSERT_TRUE(Store::Open(StoreOptions(), tmp.Join("cp"), &copy).ok());
  ASSERT_TRUE(copy->Get("a/2", &v).ok());
  EXPECT_EQ(v, "two");
  EXPECT_GT(store->DiskBytes(), 0u);
}

// Unlogged writes (a rebuild's) are read back at once, and after Flush()
// they are in table files: a reopened store has them. (That a SIGKILL
// before the flush loses them, and the rebuild is redone, is
// HubCliTest.ARebuildKilledHalfWayIsRedoneAtTheNextStart.)
TEST(StoreTest, UnloggedWritesAreReadAtOnceAndKeptAfterFlush) {
  hailong::testing::TempDir tmp("store");
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::Open(StoreOptions(), tmp.Join("db"), &store).ok());
  WriteBatch b;
  b.Put("x/1", "một");
  b.DeleteRange("x/2", "x/3");
  ASSERT_TRUE(store->WriteUnlogged(b).ok());
  std::string v;
  ASSERT_TRUE(store->Get("x/1", &v).ok());
  EXPECT_EQ(v, "một");
  ASSERT_TRUE(store->Flush().ok());
  store.reset();
  ASSERT_TRUE(Store::Open(StoreOptions(), tmp.Join("db"), &store).ok());
  ASSERT_TRUE(store->Get("x/1", &v).ok());
  EXPECT_EQ(v, "một");
}

TEST(StoreTest, MissingStoreIsAnErrorWithoutCreate) {
  hailong::testing::TempDir tmp("store");
  StoreOptions o;
  o.create_if_missing = false;
  std::unique_ptr<Store> store;
  Status s = Store::Open(o, tmp.Join("none"), &store);
  EXPECT_FALSE(s.ok());
}

TEST(StoreTest, SecondOpenOfTheSameDirectoryIsRefused) {
  hailong::testing::TempDir tmp("store");
  std::unique_ptr<Store> a, b;
  ASSERT_TRUE(Store::Open(StoreOptions(), tmp.Join("db"), &a).ok());
  Status s = Store::Open(StoreOptions(), tmp.Join("db"), &b);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lock"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace hailong::replication
