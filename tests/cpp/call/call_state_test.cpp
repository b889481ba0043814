// The call state table: the diagram in call_state.hpp says the same, and Call::transition() takes
// exactly the allowed changes, for every (from, to) pair.
#include "call/call_state.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "call/call.hpp"

namespace acw::call {
namespace {

std::vector<CallState> all_states() {
  std::vector<CallState> states;
  for (int i = 0; i < kCallStateCount; ++i) states.push_back(static_cast<CallState>(i));
  return states;
}

using Edges = std::set<std::pair<CallState, CallState>>;

Edges table_edges() {
  Edges edges;
  for (const auto& t : kCallTransitions) {
    EXPECT_TRUE(edges.insert({t.from, t.to}).second)
        << "listed twice: " << call_state_name(t.from) << " -> " << call_state_name(t.to);
  }
  return edges;
}

// The chains between "// transitions:" and "// end of transitions" in the doc comment of
// CallState; "*" is every state but Terminated.
Edges diagram_edges() {
  std::ifstream file(std::string(ACW_SOURCE_DIR) + "/cpp/call/call_state.hpp");
  EXPECT_TRUE(file.good());
  std::map<std::string, CallState> by_name;
  for (CallState s : all_states()) by_name[std::string(call_state_name(s))] = s;
  Edges edges;
  std::string line;
  bool inside = false;
  while (std::getline(file, line)) {
    if (line == "// transitions:") {
      inside = true;
      continue;
    }
    if (line == "// end of transitions") break;
    if (!inside) continue;
    std::istringstream words(line.substr(2));   // after "//"
    std::vector<std::vector<CallState>> chain;  // each step: the states it names
    std::string word;
    while (words >> word) {
      if (word == "->") continue;
      std::vector<CallState> step;
      if (word == "*") {
        for (CallState s : all_states())
          if (s != CallState::kTerminated) step.push_back(s);
      } else {
        EXPECT_TRUE(by_name.contains(word)) << "not a state: " << word;
        step.push_back(by_name[word]);
      }
      chain.push_back(step);
    }
    for (std::size_t i = 1; i < chain.size(); ++i) {
      for (CallState from : chain[i - 1])
        for (CallState to : chain[i]) edges.insert({from, to});
    }
  }
  EXPECT_FALSE(edges.empty()) << "no diagram found in call_state.hpp";
  return edges;
}

// A call brought to `state` through allowed transitions only, from the first state of an
// outgoing or an incoming call.
Call call_in(CallState state) {
  for (bool outgoing : {true, false}) {
    std::deque<std::vector<CallState>> paths{{initial_call_state(outgoing)}};
    std::set<CallState> seen;
    while (!paths.empty()) {
      std::vector<CallState> path = paths.front();
      paths.pop_front();
      if (path.back() == state) {
        Call call(1, outgoing);
        for (std::size_t i = 1; i < path.size(); ++i) EXPECT_TRUE(call.transition(path[i]));
        return call;
      }
      if (!seen.insert(path.back()).second) continue;
      for (const auto& t : kCallTransitions) {
        if (t.from != path.back()) continue;
        std::vector<CallState> longer = path;
        longer.push_back(t.to);
        paths.push_back(longer);
      }
    }
  }
  ADD_FAILURE() << "unreachable: " << call_state_name(state);
  return Call(1, true);
}

TEST(CallState, TheDiagramIsTheTable) {
  EXPECT_EQ(diagram_edges(), table_edges());
}

TEST(CallState, CallsStartWhereTheDiagramBegins) {
  EXPECT_EQ(Call(1, true).state(), CallState::kWaitingForClient);
  EXPECT_EQ(Call(2, false).state(), CallState::kOffered);
}

TEST(CallState, EveryPairIsAllowedOrRefusedAsTheDiagramSays) {
  const Edges allowed = diagram_edges();
  int allowed_count = 0;
  int refused_count = 0;
  for (CallState from : all_states()) {
    for (CallState to : all_states()) {
      Call call = call_in(from);
      ASSERT_EQ(call.state(), from);
      const bool expected = allowed.contains({from, to});
      EXPECT_EQ(call_transition_allowed(from, to), expected)
          << call_state_name(from) << " -> " << call_state_name(to);
      EXPECT_EQ(call.transition(to), expected)
          << call_state_name(from) << " -> " << call_state_name(to);
      // A refused change leaves the state as it was.
      EXPECT_EQ(call.state(), expected ? to : from)
          << call_state_name(from) << " -> " << call_state_name(to);
      (expected ? allowed_count : refused_count)++;
    }
  }
  EXPECT_EQ(allowed_count, 25);
  EXPECT_EQ(refused_count, kCallStateCount * kCallStateCount - 25);
}

TEST(CallState, NothingLeavesTerminated) {
  for (CallState to : all_states()) {
    Call call = call_in(CallState::kTerminated);
    EXPECT_FALSE(call.transition(to)) << call_state_name(to);
    EXPECT_EQ(call.state(), CallState::kTerminated);
  }
}

}  // namespace
}  // namespace acw::call
