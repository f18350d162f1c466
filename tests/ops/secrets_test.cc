// hailongctl new-token and hash-password, run as the real program.
#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "ctl_runner.h"
#include "hailong/schema/event.h"
#include "hailong/schema/version.h"

namespace hailong::ops::testing {
namespace {

TEST(NewTokenTest, PrintsTokenAndItsSha256) {
  const CtlRun run = RunCtl({"new-token"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 2u) << run.out;
  // 32 random bytes as unpadded URL-safe base64.
  EXPECT_TRUE(std::regex_match(lines[0], std::regex("[A-Za-z0-9_-]{43}"))) << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex("[0-9a-f]{64}"))) << lines[1];
  EXPECT_EQ(lines[1], schema::HexEncode(schema::Sha256(lines[0])));
}

TEST(NewTokenTest, EveryTokenIsFresh) {
  const CtlRun a = RunCtl({"new-token"});
  const CtlRun b = RunCtl({"new-token"});
  ASSERT_EQ(a.exit_code, 0);
  ASSERT_EQ(b.exit_code, 0);
  EXPECT_NE(Lines(a.out)[0], Lines(b.out)[0]);
}

TEST(NewTokenTest, JsonOutput) {
  const CtlRun run = RunCtl({"new-token", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  const std::string token = j.at("token");
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(j.at("token_sha256"), schema::HexEncode(schema::Sha256(token)));
}

TEST(HashPasswordTest, OutputVerifiesWithSodium) {
  ASSERT_GE(sodium_init(), 0);
  const std::string password = "Mật khẩu của Phường 01 ";  // trailing space is part of it
  const CtlRun run = RunCtl({"hash-password"}, password + "\n");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 1u) << run.out;
  const std::string& hash = lines[0];
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()), 0);
  // Exactly one trailing newline was stripped, nothing else.
  const std::string with_newline = password + "\n";
  EXPECT_NE(crypto_pwhash_str_verify(hash.c_str(), with_newline.data(), with_newline.size()), 0);
  const std::string other = "mat khau cua phuong 01 ";
  EXPECT_NE(crypto_pwhash_str_verify(hash.c_str(), other.data(), other.size()), 0);
  // The hub's cost settings.
  EXPECT_EQ(crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
}

TEST(HashPasswordTest, PasswordWithoutNewline) {
  const std::string password = "khongxuongdong";
  const CtlRun run = RunCtl({"hash-password", "--json"}, password);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string hash = nlohmann::json::parse(run.out).at("password_hash");
  EXPECT_EQ(crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()), 0);
}

TEST(HashPasswordTest, EmptyPasswordExits2) {
  for (const std::string input : {"", "\n", "\r\n"}) {
    const CtlRun run = RunCtl({"hash-password"}, input);
    EXPECT_EQ(run.exit_code, 2) << "input of " << input.size() << " bytes";
    EXPECT_TRUE(run.out.empty()) << run.out;
    EXPECT_FALSE(run.err.empty());
  }
}

TEST(HailongctlTest, VersionAndHelp) {
  const CtlRun version = RunCtl({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find(kVersion), std::string::npos) << version.out;

  const CtlRun help = RunCtl({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"new-token", "hash-password", "log"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
  const CtlRun log_help = RunCtl({"log", "--help", "--lang", "en"});
  EXPECT_EQ(log_help.exit_code, 0);
  for (const char* command : {"cat", "export", "verify", "import"}) {
    EXPECT_NE(log_help.out.find(command), std::string::npos) << command;
  }
  // Vietnamese by default, English as a switch.
  EXPECT_NE(help.out.find("kỹ thuật viên"), std::string::npos) << help.out;
  EXPECT_NE(RunCtl({"--help"}, "", {"HAILONG_LANG=en"}).out.find("technicians"), std::string::npos);
}

TEST(HailongctlTest, BadArgumentsExit2) {
  EXPECT_EQ(RunCtl({"--no-such-option"}).exit_code, 2);
  EXPECT_EQ(RunCtl({}).exit_code, 2);
  EXPECT_EQ(RunCtl({"log"}).exit_code, 2);
  EXPECT_EQ(RunCtl({"log", "cat"}).exit_code, 2);  // --data-dir is required
  EXPECT_EQ(RunCtl({"log", "verify"}).exit_code, 2);
}

}  // namespace
}  // namespace hailong::ops::testing
