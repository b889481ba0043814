// The client's options read from JSON text: defaults, every member, and each kind of mistake.
#include "call/client_options.hpp"

#include <gtest/gtest.h>

namespace acw::call {
namespace {

TEST(ClientOptions, NoTextIsTheDefaults) {
  ClientOptions o;
  EXPECT_EQ(read_client_options("", &o), "");
  EXPECT_EQ(o.keep_alive.interval, 25000);
  EXPECT_EQ(o.keep_alive.timeout, 5000);
  EXPECT_EQ(o.reconnect.delays, (std::vector<int64_t>{0, 500, 1000, 2000, 4000, 5000}));
  EXPECT_EQ(o.reconnect.limit, 30000);
  EXPECT_EQ(o.ice_restart.wait, 2000);
  EXPECT_EQ(o.ice_restart.limit, 30000);
  EXPECT_EQ(read_client_options("{}", &o), "");
  EXPECT_EQ(o, ClientOptions());
  EXPECT_EQ(read_client_options(R"({"keepAlive":null,"reconnect":{"limit":null}})", &o), "");
  EXPECT_EQ(o, ClientOptions());
}

TEST(ClientOptions, EveryMember) {
  ClientOptions o;
  ASSERT_EQ(
      read_client_options(
          R"({"keepAlive":{"interval":1000,"timeout":0},"reconnect":{"delays":[10,20],"limit":3600000}})",
          &o),
      "");
  EXPECT_EQ(o.keep_alive.interval, 1000);
  EXPECT_EQ(o.keep_alive.timeout, 0);
  EXPECT_EQ(o.reconnect.delays, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(o.reconnect.limit, 3600000);
  ASSERT_EQ(read_client_options(R"({"iceRestart":{"wait":0,"limit":5000}})", &o), "");
  EXPECT_EQ(o.ice_restart.wait, 0);
  EXPECT_EQ(o.ice_restart.limit, 5000);
  // A member left out keeps its default.
  ASSERT_EQ(read_client_options(R"({"keepAlive":{"timeout":2000}})", &o), "");
  EXPECT_EQ(o.keep_alive.interval, 25000);
  EXPECT_EQ(o.keep_alive.timeout, 2000);
}

TEST(ClientOptions, MistakesAreNamedAndLeaveTheDefaults) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "Invalid client options: options is not an object"},
      {"{", "Invalid client options: JSON"},
      {R"({"keepalive":{}})", "Invalid client options: keepalive is not an option"},
      {R"({"keepAlive":5})", "Invalid client options: keepAlive is not an object"},
      {R"({"keepAlive":{"every":5}})", "Invalid client options: keepAlive.every is not an option"},
      {R"({"keepAlive":{"interval":-1}})", "Invalid client options: keepAlive.interval is not"},
      {R"({"keepAlive":{"interval":1.5}})", "Invalid client options: keepAlive.interval is not"},
      {R"({"keepAlive":{"timeout":"5"}})", "Invalid client options: keepAlive.timeout is not"},
      {R"({"reconnect":{"limit":3600001}})", "Invalid client options: reconnect.limit is not"},
      {R"({"reconnect":{"delays":[]}})",
       "Invalid client options: reconnect.delays is not an array"},
      {R"({"reconnect":{"delays":5}})", "Invalid client options: reconnect.delays is not an array"},
      {R"({"reconnect":{"delays":[1,"2"]}})", "Invalid client options: reconnect.delays is not a"},
      {R"({"reconnect":{"limit":1},"reconnect":{}})", "Invalid client options: reconnect is given"},
      {R"({"iceRestart":{"limit":-1}})", "Invalid client options: iceRestart.limit is not"},
      {R"({"iceRestart":{"wait":"2"}})", "Invalid client options: iceRestart.wait is not"},
      {R"({"iceRestart":{"after":1}})",
       "Invalid client options: iceRestart.after is not an option"},
  };
  for (const auto& [json, error] : cases) {
    ClientOptions o;
    o.keep_alive.interval = 7;
    std::string got = read_client_options(json, &o);
    EXPECT_EQ(got.rfind(error, 0), 0u) << json << " -> " << got;
    EXPECT_EQ(o, ClientOptions()) << json;
  }
}

}  // namespace
}  // namespace acw::call
