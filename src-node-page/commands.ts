/** A refusal or failure a command reports back to the gateway. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the commands need from the page around them. */
export interface PageSurface {
  /** Show a notice in the page (always visible, whatever the browser allows). */
  toast(title: string, body: string): void;
  /** Show a canvas page (a gateway path) full-screen, or hide it. */
  showCanvas(path: string | undefined): void;
}

export type Command = (params: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

const CANVAS_PREFIX = '/__openclaw__/canvas/';

/** Insecure pages and some browsers have no `mediaDevices` at all. */
const hasCamera = () => typeof (navigator.mediaDevices as MediaDevices | undefined)?.getUserMedia === 'function';

function geolocationError(err: GeolocationPositionError): CommandError {
  if (err.code === err.PERMISSION_DENIED) return new CommandError('PERMISSION_DENIED', 'location permission was denied on the device');
  if (err.code === err.TIMEOUT) return new CommandError('TIMEOUT', 'the device did not find its location in time');
  return new CommandError('UNAVAILABLE', err.message || 'location is unavailable');
}

async function snap(params: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  const facingMode = params.facing === 'front' ? 'user' : 'environment';
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode }, audio: false });
  } catch (err) {
    const name = (err as DOMException).name;
    throw new CommandError(name === 'NotAllowedError' ? 'PERMISSION_DENIED' : 'UNAVAILABLE', `camera: ${(err as Error).message || name}`);
  }
  try {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    if (signal.aborted) throw new CommandError('CANCELLED', 'cancelled');
    const maxWidth = typeof params.maxWidth === 'number' && params.maxWidth > 0 ? params.maxWidth : 1600;
    const scale = Math.min(1, maxWidth / (video.videoWidth || maxWidth));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round((video.videoWidth || 640) * scale));
    canvas.height = Math.max(1, Math.round((video.videoHeight || 480) * scale));
    canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
    const quality = typeof params.quality === 'number' ? Math.min(1, Math.max(0.1, params.quality)) : 0.85;
    const dataUrl = canvas.toDataURL('image/jpeg', quality);
    return { format: 'jpg', width: canvas.width, height: canvas.height, base64: dataUrl.slice(dataUrl.indexOf(',') + 1) };
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }
}

/** The commands this browser can offer, by what its APIs support. */
export function browserCommands(page: PageSurface): Record<string, Command> {
  const cmds: Record<string, Command> = {
    'system.notify': async (p) => {
      const title = String(p.title ?? 'OpenClaw');
      const body = String(p.body ?? p.message ?? '');
      page.toast(title, body);
      let system = false;
      if ('Notification' in window && Notification.permission === 'granted') {
        try {
          new Notification(title, { body });
          system = true;
        } catch {
          // Some mobile browsers only notify from a service worker; the page notice was shown.
        }
      }
      return { shown: true, system };
    },
    'canvas.show': async (p) => {
      const path = String(p.path ?? '');
      // Only the gateway's own canvas pages, by path on this origin: never an arbitrary address.
      if (!path.startsWith(CANVAS_PREFIX)) throw new CommandError('INVALID_PARAMS', `canvas.show needs a path under ${CANVAS_PREFIX}`);
      page.showCanvas(path);
      return { shown: true };
    },
    'canvas.hide': async () => {
      page.showCanvas(undefined);
      return { hidden: true };
    },
  };
  if ('geolocation' in navigator) {
    cmds['location.get'] = (p) =>
      new Promise((resolve, reject) => {
        navigator.geolocation.getCurrentPosition(
          (pos) =>
            resolve({
              lat: pos.coords.latitude,
              lon: pos.coords.longitude,
              accuracy: pos.coords.accuracy,
              ...(pos.coords.altitude !== null ? { altitude: pos.coords.altitude } : {}),
              timestamp: pos.timestamp,
            }),
          (err) => reject(geolocationError(err)),
          { enableHighAccuracy: p.enableHighAccuracy === true, timeout: typeof p.timeoutMs === 'number' ? p.timeoutMs : 20_000, maximumAge: typeof p.maxAgeMs === 'number' ? p.maxAgeMs : 0 },
        );
      });
  }
  if (hasCamera()) {
    cmds['camera.snap'] = snap;
    cmds['camera.list'] = async () => {
      const devices = await navigator.mediaDevices.enumerateDevices();
      return { cameras: devices.filter((d) => d.kind === 'videoinput').map((d) => ({ id: d.deviceId, label: d.label })) };
    };
  }
  return cmds;
}

/** One capability the person holding the device can allow from the page. */
export interface Capability {
  id: 'location' | 'camera' | 'notifications';
  label: string;
  commands: string[];
  /** Current browser permission, when the browser tells. */
  state(): Promise<'granted' | 'denied' | 'prompt' | 'unsupported'>;
  /** Ask the browser (needs a tap: browsers only prompt on a user gesture). */
  request(): Promise<void>;
}

async function queryPermission(name: string): Promise<'granted' | 'denied' | 'prompt'> {
  try {
    return (await navigator.permissions.query({ name: name as PermissionName })).state;
  } catch {
    return 'prompt';
  }
}

export function capabilities(): Capability[] {
  return [
    {
      id: 'location',
      label: 'Location',
      commands: ['location.get'],
      state: async () => ('geolocation' in navigator ? queryPermission('geolocation') : 'unsupported'),
      request: () =>
        new Promise<void>((resolve, reject) => navigator.geolocation.getCurrentPosition(() => resolve(), (err) => reject(geolocationError(err)), { timeout: 20_000 })),
    },
    {
      id: 'camera',
      label: 'Camera',
      commands: ['camera.snap', 'camera.list'],
      state: async () => (hasCamera() ? queryPermission('camera') : 'unsupported'),
      request: async () => {
        const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
        for (const t of s.getTracks()) t.stop();
      },
    },
    {
      id: 'notifications',
      label: 'Notifications',
      commands: ['system.notify'],
      state: async () => {
        if (!('Notification' in window)) return 'unsupported';
        const p = Notification.permission;
        return p === 'default' ? 'prompt' : p;
      },
      request: async () => {
        await Notification.requestPermission();
      },
    },
  ];
}
