// Types of the preflight entry point (aculab-webrtc-wasm/preflight): js/preflight.js.
import type { AculabCloudCallOptions, CallQuality, Environment, QualityWarningName } from './index.js';

export interface PreflightProgress {
  /** 'connecting' (the call is being made), 'measuring' (once a second), 'done'. */
  phase: 'connecting' | 'measuring' | 'done';
  /** ms since the test started (after the wasm core loaded). */
  elapsed: number;
  /** While measuring: call.getQuality() (null until the first sample). */
  quality: CallQuality | null;
}

export interface PreflightOptions {
  /** The echo service to call: default 'echo' (the local cloud's; name the real cloud's). */
  service?: string;
  /** How long to measure once connected: 3..60 s, default 10. */
  seconds?: number;
  onProgress?: (progress: PreflightProgress) => void;
  /** Another cloud's SIP WebSocket, as the client's options.url (the local cloud's ws://HOST/sipproxy). */
  url?: string;
  /** As the client's options.environment (Node: @roamhq/wrtc's classes and a WebSocket). */
  environment?: Environment;
  logLevel?: number;
  logger?: (level: number, text: string) => void;
  /** The test call's options (for example constraints for a chosen microphone). */
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
}

/** Throws what AculabCloudClient's constructor and callService throw for bad arguments. */
export function preflight(cloudId: string, webRtcAccessKey: string, clientId: string, options?: PreflightOptions): Promise<PreflightReport>;
