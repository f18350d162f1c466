// Tests of the test-support library itself: a real Mosquitto comes up on a
// free port and survives a restart, child processes are reaped with their
// exit codes, and the HTTP client reports what a real server says.
#include <gtest/gtest.h>
#include <signal.h>

#include "hailong/testing/http_client.h"
#include "hailong/testing/mosquitto.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/process.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"

namespace hailong::testing {
namespace {

TEST(SupportTest, FreePortsDiffer) {
  uint16_t a = FreeTcpPort();
  uint16_t b = FreeTcpPort();
  EXPECT_NE(a, b);
  // Below the ephemeral range, where outgoing connections take ports.
  EXPECT_GE(a, 10000);
  EXPECT_LT(a, 32768);
}

TEST(SupportTest, RunCommandCapturesOutputAndExitCode) {
  CommandResult r;
  ASSERT_TRUE(RunCommand({"/bin/sh", "-c", "echo hello; echo err >&2; exit 3"}, &r).ok());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("hello"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
  ASSERT_TRUE(RunCommand({"/bin/cat"}, &r, std::chrono::seconds(5), "piped").ok());
  EXPECT_EQ(r.output, "piped");
}

TEST(SupportTest, RunCommandTimesOut) {
  CommandResult r;
  Status s = RunCommand({"/bin/sleep", "10"}, &r, std::chrono::milliseconds(200));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
}

TEST(SupportTest, ProcessKilledBySignalReportsIt) {
  TempDir dir;
  std::unique_ptr<Process> p;
  ProcessOptions o;
  o.argv = {"/bin/sleep", "30"};
  o.log_file = dir.Join("sleep.log");
  ASSERT_TRUE(Process::Start(o, &p).ok());
  EXPECT_TRUE(p->Running());
  p->Signal(SIGTERM);
  int code = 0;
  ASSERT_TRUE(p->Wait(std::chrono::seconds(5), &code).ok());
  EXPECT_EQ(code, 128 + SIGTERM);
}

TEST(SupportTest, MosquittoStartsAndRestartsOnTheSamePort) {
  TempDir dir;
  MosquittoOptions o;
  o.dir = dir.path();
  std::unique_ptr<MosquittoBroker> broker;
  Status s = MosquittoBroker::Start(o, &broker);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const uint16_t port = broker->port();
  CommandResult r;
  ASSERT_TRUE(RunCommand({"mosquitto_pub", "-p", std::to_string(port), "-t", "t/x", "-m", "m", "-q",
                          "1", "-r"},
                         &r)
                  .ok());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  broker->Stop();
  EXPECT_FALSE(WaitForTcpPort("127.0.0.1", port, std::chrono::milliseconds(100)).ok());
  s = broker->Restart();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(broker->port(), port);
  // The retained message survived thanks to persistence.
  ASSERT_TRUE(
      RunCommand({"mosquitto_sub", "-p", std::to_string(port), "-t", "t/x", "-C", "1", "-W", "5"},
                 &r)
          .ok());
  EXPECT_EQ(r.output, "m\n");
}

TEST(SupportTest, HttpClientFailsCleanlyWithoutServer) {
  HttpResponse response;
  Status s = HttpGet(FreeTcpPort(), "/", &response);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(response.status, 0);
}

}  // namespace
}  // namespace hailong::testing
