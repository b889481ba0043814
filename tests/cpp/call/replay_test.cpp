// Record and replay: a journal of a session fed to a fresh engine gives exactly the same outputs.
#include "call/replay.hpp"

#include <gtest/gtest.h>

#include "call/journal.hpp"
#include "harness.hpp"

namespace acw::call::test {
namespace {

// A session that touches most inputs: register, an outgoing call with options, an incoming call,
// a bad frame, time passing, a socket loss and reconnect.
void play_session(Harness& h) {
  h.engine.set_has_incoming_handler(h.now, true);
  h.engine.set_max_concurrent(h.now, 2);
  h.engine.set_peer_connection_configuration(h.now, std::string(R"([{"urls":"stun:x"}])"), "relay");
  h.register_ok();
  CallOptions options;
  options.audio_codecs = {"audio/PCMU"};
  options.max_bitrate_audio = 24000;
  options.receive_audio = true;
  options.extra_sip_headers = {"X-Ref: 1"};
  CallHandle out = 0;
  auto invite = h.start_call(&out, "echo", options);
  h.reply(*invite, 180, "t1");
  h.reply_with_contact(*invite, 200, answer_sdp(), "t1");
  h.engine.send_dtmf(h.now, out, "5#");
  h.drain();
  h.deliver(h.incoming_invite());
  auto incoming = h.callback("onIncoming");
  h.engine.ringing(h.now, incoming->call);
  h.engine.answer(h.now, incoming->call, {});
  h.drain();
  h.deliver(std::string("garbage \xff\xfe not utf-8"));
  h.advance(45000);
  h.engine.disconnect(h.now, out);
  h.drain();
  h.close_socket();
  h.advance(5000);
  h.open();
  h.advance(1000);
}

TEST(Replay, SameOutputsFromTheJournal) {
  Config config = default_config(12345);
  config.log_level = 6;
  Harness h(config, /*record=*/true);
  play_session(h);
  ASSERT_GT(h.history.size(), 30u);
  std::string error;
  auto journal = parse_journal(h.engine.journal(), &error);
  ASSERT_TRUE(journal) << error;
  EXPECT_EQ(journal->config.seed, 12345u);
  auto outputs = replay(*journal);
  ASSERT_EQ(outputs.size(), h.history.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_EQ(outputs[i], h.history[i])
        << "output " << i << ": " << output_kind_name(outputs[i].kind);
  }
}

TEST(Replay, DifferentSeedGivesDifferentIdentifiers) {
  Harness a(default_config(1), true);
  Harness b(default_config(2), true);
  a.register_ok();
  b.register_ok();
  EXPECT_NE(a.frames.front().text, b.frames.front().text);
  // Same seed, same session: the same bytes.
  Harness c(default_config(1), true);
  c.register_ok();
  EXPECT_EQ(a.frames.front().text, c.frames.front().text);
}

TEST(Replay, RecordingMustStartFromTheSeed) {
  Engine engine(default_config());
  engine.enable_incoming(0, kToken);
  EXPECT_FALSE(engine.start_recording());
  EXPECT_EQ(engine.journal(), "");
}

TEST(Replay, JournalLinesRoundTrip) {
  Input input = make_input(InputKind::kCallClient, 77, 3, "bob", "tok.en.x");
  input.number = -5;
  input.ice_servers = std::string("");
  input.options.audio_codecs = {"opus"};
  input.options.receive_video = false;
  input.options.max_bitrate_audio = 8000;
  input.options.max_bitrate_video = 0;
  input.options.extra_sip_headers = {"X-A: b"};
  Input binary = make_input(InputKind::kFrame, 1, 0, std::string("\x80\x00\xc3", 3));
  std::string text = journal_header(default_config()) + "\n" + journal_line(input) + "\n" +
                     journal_line(binary) + "\n";
  auto journal = parse_journal(text);
  ASSERT_TRUE(journal);
  ASSERT_EQ(journal->inputs.size(), 2u);
  EXPECT_EQ(journal->inputs[0], input);
  EXPECT_EQ(journal->inputs[1], binary);
}

// The page's core keeps compact records; the journal module writes them as the same lines
// journal_line writes from the inputs themselves, every field (and bytes that are not UTF-8,
// NULs, colons and spaces inside strings) carried through.
TEST(Replay, RecordsBecomeTheJournalsLines) {
  Input input = make_input(InputKind::kCallClient, -77, 3, "bob: 1 2", std::string("t\0k", 3));
  input.number = -5;
  input.ice_servers = std::string("");
  input.options.audio_codecs = {"opus", ""};
  input.options.video_codecs = {"VP8"};
  input.options.receive_audio = true;
  input.options.receive_video = false;
  input.options.max_bitrate_audio = 8000;
  input.options.max_bitrate_video = 0;
  input.options.extra_sip_headers = {"X-A: b"};
  Input binary = make_input(InputKind::kFrame, 1, 0, std::string("\x80\x00\xc3", 3));
  Input plain = make_input(InputKind::kTimeout, 4);
  Config config = default_config();
  config.seed = UINT64_MAX;
  config.log_level = -1;
  std::string records;
  append_config_record(records, config, /*keep_secrets=*/true);
  for (const Input* i : {&input, &binary, &plain}) append_input_record(records, *i);
  append_full_record(records, 9, 600);
  JournalText out = journal_text(records);
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.text, journal_header(config, true) + "\n" + journal_line(input) + "\n" +
                          journal_line(binary) + "\n" + journal_line(plain) + "\n" +
                          journal_full_line(9, 600) + "\n");
  // Secrets are redacted when the text is written, unless the config record kept them.
  std::string redacted;
  append_config_record(redacted, config, /*keep_secrets=*/false);
  append_input_record(redacted, input);
  EXPECT_EQ(journal_text(redacted).text,
            journal_header(config, false) + "\n" + journal_line(input, false) + "\n");
}

// Records that do not read stop the text where they start, and say which one.
TEST(Replay, BadRecordsSayWhichOne) {
  std::string records;
  append_config_record(records, default_config(), true);
  const std::string header = journal_header(default_config(), true) + "\n";
  Input timeout = make_input(InputKind::kTimeout, 4);
  append_input_record(records, timeout);
  const std::string good = records;
  for (std::string bad : {good + "X", good + "I", good + "I1 2 ", good.substr(0, good.size() - 1),
                          good + "I99 0 0 0 0:0:0 0:0 0 -1 -1 -1 -1 0 ",
                          good + "I3 0 0 0 9:0:0 0:0 0 -1 -1 -1 -1 0 "}) {
    JournalText out = journal_text(bad);
    const bool cut_first = bad.size() < good.size();
    EXPECT_EQ(out.error, cut_first ? "record 1 does not read" : "record 2 does not read") << bad;
    EXPECT_EQ(out.text, cut_first ? header : header + journal_line(timeout) + "\n") << bad;
  }
  EXPECT_EQ(journal_text("").error, "the records do not start with the config");
  EXPECT_EQ(journal_text("C1:a").error, "the config record does not read");
  // The well-formed form of the last two (kind 3 is a timeout) reads.
  EXPECT_EQ(journal_text(good + "I3 0 0 0 0:0:0 0:0 0 -1 -1 -1 -1 0 ").error, "");
}

// Well-formed UTF-8 is written as text, anything else as hex (overlong, surrogate, above
// U+10FFFF, truncated, stray continuation); both read back as they were.
TEST(Replay, JournalTextOrHexByUtf8) {
  for (std::string_view text : {"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf b\f\n",
                                "\xc0\xaf", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                "ok \xe2\x82", "\x80", "\xf5\x80\x80\x80"}) {
    Input input = make_input(InputKind::kFrame, 1, 0, std::string(text));
    std::string line = journal_line(input);
    const bool well_formed = text.front() == 'h';
    EXPECT_EQ(line.find("\"textHex\"") != std::string::npos, !well_formed) << line;
    auto journal = parse_journal(journal_header(default_config()) + "\n" + line + "\n");
    ASSERT_TRUE(journal) << line;
    ASSERT_EQ(journal->inputs.size(), 1u);
    EXPECT_EQ(journal->inputs[0], input) << line;
  }
}

TEST(Replay, BadJournalsAreRefused) {
  std::string error;
  EXPECT_FALSE(parse_journal("", &error));
  EXPECT_EQ(error, "empty journal");
  EXPECT_FALSE(parse_journal("{not json", &error));
  EXPECT_EQ(error, "bad JSON on line 1");
  std::string header = journal_header(default_config()) + "\n";
  EXPECT_FALSE(parse_journal(header + R"({"t":1,"in":"nosuchinput"})", &error));
  EXPECT_EQ(error, "bad input on line 2");
  EXPECT_FALSE(parse_journal(header + R"({"t":1,"in":"frame","textHex":"zz"})", &error));
  EXPECT_FALSE(parse_journal(R"({"journal":2})", &error));
  EXPECT_TRUE(parse_journal(header + R"({"t":1,"in":"timeout"})", &error));
}

}  // namespace
}  // namespace acw::call::test
