/**
 * voice-call: phone calls with the agent through Twilio, with the official `twilio` SDK.
 * - the `voice` channel (channel.ts): a caller's number is a chat sender, so the gateway's durable
 *   queue, DM access policy and pairing decide who reaches the agent, and the agent's reply is spoken
 *   back on the call;
 * - tool `voice_call` (only to the numbers the owner lists in `agentCallsTo`) and method
 *   `voice-call.call` (`openclaw voicecall call`): an outbound call that says a message;
 * - `POST /plugins/voice-call/webhook` (public, every request's `X-Twilio-Signature` verified):
 *   answers an inbound call with TwiML that connects the call's audio to the Media Streams server;
 * - the Media Streams WebSocket server (media-stream.ts), signature-checked too: speech is cut into
 *   utterances and transcribed (calls.ts), replies are synthesised and streamed back;
 * - `voice-call.calls` / `voice-call.status`; on stop, live calls are hung up.
 */
import twilio from 'twilio';
import { definePlugin, type PluginApi } from '../../../src-shared/plugin/api.js';
import { createVoiceCalls, STT_APOLOGY } from './calls.js';
import { voiceChannel } from './channel.js';
import { handleMediaStream, MEDIA_ROUTE } from './media-stream.js';
import { synthesize, transcribe } from './speech.js';

export interface VoiceCallSettings {
  twilio: { accountSid: string; authToken: string; fromNumber: string; apiBaseUrl?: string };
  publicUrl: string;
  stream?: { publicUrl?: string };
  stt?: { baseUrl: string; apiKey?: string; model: string };
  tts?: { baseUrl: string; apiKey?: string; model: string; voice?: string };
  greeting?: string;
  sttApology?: string;
  /** Numbers the agent may phone with `voice_call` (`*`: any); none unless the owner lists them. */
  agentCallsTo?: string[];
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** The SDK's HTTP client, pointed at `apiBaseUrl` instead of api.twilio.com when one is set. */
function httpClientFor(apiBaseUrl: string | undefined): InstanceType<typeof twilio.RequestClient> {
  const client = new twilio.RequestClient({ timeout: 15_000 });
  if (!apiBaseUrl) return client;
  const base = apiBaseUrl.replace(/\/+$/, '');
  const request = client.request.bind(client);
  client.request = (opts) => request({ ...opts, uri: opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/i, base) });
  return client;
}

function register(api: PluginApi<VoiceCallSettings>): void {
  const s = api.config;
  const publicUrl = s.publicUrl.replace(/\/+$/, '');
  const webhookUrl = `${publicUrl}/plugins/voice-call/webhook`;
  const streamUrl = s.stream?.publicUrl ?? `${publicUrl.replace(/^http/, 'ws')}/plugins/voice-call${MEDIA_ROUTE}`;
  const client = twilio(s.twilio.accountSid, s.twilio.authToken, { httpClient: httpClientFor(s.twilio.apiBaseUrl) });
  const calls = createVoiceCalls({
    log: api.log,
    transcribe: (wav) => (s.stt ? transcribe(s.stt, wav) : Promise.reject(new Error('no speech-to-text configured (plugins.entries.voice-call.config.stt)'))),
    synthesize: (text) => (s.tts ? synthesize(s.tts, text) : Promise.reject(new Error('no text-to-speech configured (plugins.entries.voice-call.config.tts)'))),
    ...(s.greeting ? { greeting: s.greeting } : {}),
    sttApology: s.sttApology ?? STT_APOLOGY,
    hangUp: async (callSid) => {
      await client.calls(callSid).update({ status: 'completed' });
    },
  });
  api.registerChannel(voiceChannel(calls));

  const placeCall = async (to: string, message: string) => {
    const call = await client.calls.create({
      to,
      from: s.twilio.fromNumber,
      twiml: `<Response><Say>${escapeXml(message)}</Say></Response>`,
      statusCallback: webhookUrl,
    });
    calls.remember({ callSid: call.sid, direction: 'outbound', from: s.twilio.fromNumber, to, status: call.status, startedAt: Date.now() });
    return { callSid: call.sid, status: call.status };
  };

  api.registerTool<{ to: string; message: string }>({
    name: 'voice_call',
    group: 'voice',
    description: 'Phone someone and say a short message (Twilio). `to` in E.164 form, e.g. +15550100.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['to', 'message'],
      properties: { to: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' }, message: { type: 'string', minLength: 1, maxLength: 1000 } },
    },
    async execute(p) {
      // A prompt-injected agent must not ring up strangers (or premium numbers): only where the owner said.
      const allowed = s.agentCallsTo ?? [];
      if (!allowed.includes('*') && !allowed.includes(p.to)) {
        return {
          content: `Calling ${p.to} is not allowed: the owner lets the assistant phone only the numbers listed in plugins.entries.voice-call.config.agentCallsTo${allowed.length ? ` (${allowed.join(', ')})` : ', which lists none'}.`,
          isError: true,
        };
      }
      try {
        const r = await placeCall(p.to, p.message);
        return { content: `Calling ${p.to} (call ${r.callSid}, ${r.status}).`, details: r };
      } catch (err) {
        return { content: `The call could not be placed: ${(err as Error).message}`, isError: true };
      }
    },
  });
  api.registerMethod('voice-call.call', 'operator.write', async (params) => {
    const p = params as { to: string; message: string };
    return placeCall(p.to, p.message);
  }, {
    paramsSchema: { type: 'object', additionalProperties: false, required: ['to', 'message'], properties: { to: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' }, message: { type: 'string', minLength: 1, maxLength: 1000 } } },
  });
  api.registerMethod('voice-call.calls', 'operator.read', () => ({ calls: calls.list() }), { paramsSchema: { type: 'object', additionalProperties: false, properties: {} } });

  // Twilio signs the full public URL plus the sorted form fields; a request that does not verify gets 403.
  api.registerHttpRoute({
    method: 'POST',
    path: '/webhook',
    public: true,
    handler(req) {
      const params = Object.fromEntries(new URLSearchParams(req.body));
      const query = new URLSearchParams(req.query).toString();
      const url = query ? `${webhookUrl}?${query}` : webhookUrl;
      const signature = req.headers['x-twilio-signature'] ?? '';
      if (!signature || !twilio.validateRequest(s.twilio.authToken, signature, url, params)) {
        api.log.warn('refused a voice webhook without a valid Twilio signature', { from: params.From });
        return { status: 403, body: 'invalid signature\n', headers: { 'content-type': 'text/plain' } };
      }
      const sid = params.CallSid ?? '';
      if (calls.get(sid)) {
        if (params.CallStatus) calls.setStatus(sid, params.CallStatus);
        return { status: 204 };
      }
      if (params.Direction && params.Direction !== 'inbound') return { status: 204 };
      calls.remember({ callSid: sid, direction: 'inbound', from: params.From ?? '', to: params.To ?? '', status: params.CallStatus ?? 'ringing', startedAt: Date.now() });
      const twiml = `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${escapeXml(streamUrl)}"><Parameter name="callSid" value="${escapeXml(sid)}"/></Stream></Connect></Response>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: twiml };
    },
  });

  // Twilio opens the media stream on the gateway's own port; it signs the upgrade for the public wss
  // URL with no form fields, and a stream that does not verify is refused before it is accepted.
  api.registerWebSocketRoute({
    path: MEDIA_ROUTE,
    public: true,
    verify(req) {
      const sig = req.headers['x-twilio-signature'];
      const ok = typeof sig === 'string' && twilio.validateRequest(s.twilio.authToken, sig, streamUrl, {});
      if (!ok) api.log.warn('refused a media stream without a valid Twilio signature');
      return ok;
    },
    onConnection(socket) {
      handleMediaStream(socket, {
        onSpeech: (u) => {
          calls.onSpeech(u).catch((err: unknown) => api.log.warn('a caller’s words could not be handed to the agent', { callSid: u.callSid, error: (err as Error).message }));
        },
        onStreamEvent: (e) => (e.event === 'start' ? calls.onStreamStart(e.line) : calls.onStreamStop(e.callSid)),
      });
    },
  });
  api.registerMethod(
    'voice-call.status',
    'operator.read',
    () => ({ webhookUrl, streamUrl, calls: calls.list().length, live: calls.list().filter((c) => c.status === 'in-progress').length, speechToText: calls.sttHealth() }),
    { paramsSchema: { type: 'object', additionalProperties: false, properties: {} } },
  );
  // Gateway stop, disable or reload: hang up live calls.
  api.onStop(() => calls.hangUpAll());
}

export default definePlugin<VoiceCallSettings>({ id: 'voice-call', register });
