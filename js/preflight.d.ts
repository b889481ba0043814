// Types of the preflight entry point (aculab-webrtc-wasm/preflight): js/preflight.js.
import type { AculabCloudCallOptions, CallQuality, Environment, QualityWarningName } from './index.js';

export interface PreflightProgress {
  /**
   * 'connecting' (the call is being made), 'round-trip' (the tone bursts: once before them and
   * once after each), 'measuring' (once a second), 'done'.
   */
  phase: 'connecting' | 'round-trip' | 'measuring' | 'done';
  /** ms since the test started (after the wasm core loaded). */
  elapsed: number;
  /** While measuring: call.getQuality() (null until the first sample). */
  quality: CallQuality | null;
  /** After each tone burst: which of how many, and its round trip in ms (null: not heard within 2 s). */
  burst?: { burst: number; of: number; ms: number | null };
}

export interface PreflightRoundTrip {
  /** Tone bursts sent, and heard back within 2 s. */
  sent: number;
  heard: number;
  /** Each burst's round trip in ms, in the order sent; null where it was not heard. */
  burstsMs: (number | null)[];
  /**
   * Why no round trip was measured (null when one was): no Web Audio, an AudioContext the page
   * may not start yet (autoplay policy), a microphone that could not be opened, no audio back,
   * too much sound back before the first burst, no burst heard, bursts: 0, a call that did not
   * connect or ended first.
   */
  reason: string | null;
}

export interface PreflightOptions {
  /** The echo service to call: default 'echo' (the local cloud's; name the real cloud's). */
  service?: string;
  /** How long to measure once connected (after the tone bursts): 3..60 s, default 10. */
  seconds?: number;
  /**
   * Tone bursts to time the audio round trip with, before the measuring: 0..20, default 6; 0 sends
   * none (and the call sends the microphone as any call does).
   */
  bursts?: number;
  onProgress?: (progress: PreflightProgress) => void;
  /** Another cloud's SIP WebSocket, as the client's options.url (the local cloud's ws://HOST/sipproxy). */
  url?: string;
  /** As the client's options.environment (Node: @roamhq/wrtc's classes and a WebSocket). */
  environment?: Environment;
  logLevel?: number;
  logger?: (level: number, text: string) => void;
  /**
   * The test call's options (for example constraints for a chosen microphone). With bursts, the
   * microphone (constraints, or localStream) is mixed with the tone in Web Audio, and the call
   * sends that mix.
   */
  callOptions?: AculabCloudCallOptions;
}

export interface PreflightReport {
  /** From the MOS band (4.34, 4.03, 3.60), lowered by warnings, a slow set-up or a failed call. */
  verdict: 'excellent' | 'good' | 'fair' | 'poor';
  /** What decided the verdict, in words: the MOS first, then each thing that lowered it. */
  reasons: string[];
  /** The call did not connect, or ended during the test. */
  failed: boolean;
  service: string;
  /** From the test's start to the WebSocket open, ms (null: it never opened). */
  signallingMs: number | null;
  /** From callService to onConnected, ms. */
  setupMs: number | null;
  /** ICE candidate types gathered, and those of the pair the call used. */
  candidates: { gathered: string[]; local: string | null; remote: string | null };
  /** The last 5 s: round trip and jitter (ms); the whole test: loss (0..1), mean and lowest MOS. */
  rtt: number | null;
  jitter: number | null;
  loss: number | null;
  mos: number | null;
  mosMin: number | null;
  samples: number;
  /** The quality warnings raised during the test (each with the figure that raised it). */
  warnings: { name: QualityWarningName; value: number; threshold: number }[];
  /** Once a second: the window's figures, for a chart. at: ms since the start. */
  quality: { at: number; mos: number | null; rtt: number | null; loss: number | null; jitter: number | null }[];
  /**
   * The audio's round trip through the echo service, ms: the median of the tone bursts heard (from
   * the burst leaving the page's Web Audio graph to its echo arriving in it: the network both ways,
   * the service, both jitter buffers, the codec). null where none was heard; audioRoundTrip.reason
   * says why.
   */
  audioRoundTripMs: number | null;
  audioRoundTrip: PreflightRoundTrip;
}

/** Throws what AculabCloudClient's constructor and callService throw for bad arguments. */
export function preflight(cloudId: string, webRtcAccessKey: string, clientId: string, options?: PreflightOptions): Promise<PreflightReport>;
