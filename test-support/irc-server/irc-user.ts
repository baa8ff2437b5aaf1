/**
 * A person in chat, for tests: a plain IRC client on its own TCP connection
 * to the IRC server. It logs in, joins rooms, says things, and records every
 * line other people said to it or in its rooms.
 */
import { connect, type Socket } from 'node:net';
import { Waiters } from '../wait-until.js';

/** One message this user saw. */
export interface SeenMessage {
  from: string;
  /** `#room`, or this user's nick for a private message. */
  target: string;
  text: string;
}

export class IrcUser {
  readonly seen: SeenMessage[] = [];
  /** JOIN (+1) and PART/QUIT (-1) of other nicks seen in this user's rooms, in order. */
  readonly presence: { nick: string; joined: boolean }[] = [];
  private socket?: Socket;
  private buffer = '';
  private readonly waiters = new Waiters();
  private registered = false;

  constructor(
    readonly nick: string,
    private readonly server: { host: string; port: number; password?: string },
  ) {}

  /** Connect and register; resolves at the end of the MOTD. */
  async login(): Promise<void> {
    const socket = connect(this.server.port, this.server.host);
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    if (this.server.password) this.write(`PASS ${this.server.password}`);
    this.write(`NICK ${this.nick}`);
    this.write(`USER ${this.nick} 0 * :${this.nick}`);
    await this.waiters.until(() => (this.registered ? true : undefined), 10_000, `${this.nick} to log in`);
  }

  /** Join a room; resolves once the server confirms. */
  async join(room: string): Promise<void> {
    const from = this.presence.length;
    this.write(`JOIN ${room}`);
    await this.waiters.until(() => (this.presence.slice(from).some((p) => p.nick === this.nick && p.joined) ? true : undefined), 10_000, `${this.nick} to join ${room}`);
  }

  say(target: string, text: string): void {
    this.write(`PRIVMSG ${target} :${text}`);
  }

  /** Resolves once `check` holds, re-checked on every line this user reads. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.waiters.until(check, timeoutMs, what);
  }

  close(): void {
    if (this.socket && !this.socket.destroyed) {
      this.write('QUIT :bye');
      this.socket.destroy();
    }
  }

  private write(line: string): void {
    this.socket?.write(`${line}\r\n`);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.onLine(line);
    }
    this.waiters.notify();
  }

  private onLine(line: string): void {
    const m = /^(?::(\S+) )?(\S+)((?: (?!:)\S+)*)(?: :(.*))?$/.exec(line);
    if (!m) return;
    const [, prefix, command, middle, trailing] = m;
    const params = [...(middle ?? '').trim().split(' ').filter(Boolean), ...(trailing !== undefined ? [trailing] : [])];
    const nick = prefix?.split('!')[0] ?? '';
    if (command === 'PING') return this.write(`PONG :${params[0] ?? ''}`);
    if (command === '376' || command === '422') this.registered = true;
    else if (command === 'JOIN') this.presence.push({ nick, joined: true });
    else if (command === 'PART' || command === 'QUIT') this.presence.push({ nick, joined: false });
    else if (command === 'PRIVMSG' && params.length >= 2) this.seen.push({ from: nick, target: params[0]!, text: params[1]! });
  }
}
