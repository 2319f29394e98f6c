import { ChangeDetectionStrategy, Component, computed, effect, inject, output, signal, untracked } from '@angular/core';
import { INVITE_LINK_PREFIX, type InviteSummary, type RoomMember, type RoomSummary } from '@chat/protocol';
import { ActiveRoom } from '../rooms/active-room';
import { RoomListStore } from '../rooms/room-list-store';
import { normalizeRoom } from '../rooms/room-name';
import { RoomUrl } from '../rooms/room-url';
import { AuthSession } from '../session/auth-session';
import { appRoot } from '../shared/app-root';
import { RoomsApi } from './rooms-api';

/** What a change says when it is over: nothing, what it did, or why it could not. */
type Outcome = { done?: string; problem?: string } | null;

/** Invite lifetimes offered, in seconds. */
const LIFETIMES = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 604_800 },
  { label: '30 days', seconds: 2_592_000 },
];

/**
 * Private rooms, signed in: create one, open one of one's rooms (an admin sees every room), and for the open private
 * room its members (an admin removes them; a member can leave) and its invite links (create, copy, revoke).
 */
@Component({
  selector: 'app-rooms-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { id: 'rooms-panel', class: 'rooms-panel', role: 'region', 'aria-label': 'Rooms' },
  template: `
    <div class="rooms-head">
      <h2>Rooms</h2>
      <button type="button" class="link-button" (click)="closed.emit()">Close</button>
    </div>

    <form class="inline" (submit)="$event.preventDefault(); create()" novalidate>
      <label for="new-room">New private room</label>
      <input id="new-room" #name [value]="draft()" (input)="draft.set(name.value)" autocomplete="off" placeholder="team" />
      <button type="submit" [disabled]="busy()">Create</button>
    </form>

    <h3>
      {{ all() ? 'Every room' : 'Your rooms' }}
      @if (admin()) {
        <button type="button" class="link-button" (click)="all.set(!all())" [attr.aria-pressed]="all()">Show every room</button>
      }
    </h3>
    <ul class="rooms-list">
      @for (r of rooms(); track r.room) {
        <li>
          <a [href]="'r/' + r.room" (click)="$event.preventDefault(); open(r.room)">#{{ r.room }}</a>
          @if (r.visibility === 'private') {
            <span class="tag">private{{ r.memberCount !== undefined ? ', ' + r.memberCount + ' members' : '' }}</span>
          }
        </li>
      } @empty {
        <li class="hint">No rooms yet.</li>
      }
    </ul>

    @if (isPrivate()) {
      <h3>Members of #{{ active.name() }}</h3>
      <ul class="rooms-list">
        @for (m of members(); track m.id) {
          <li>
            <bdi>{{ m.name }}</bdi>
            @if (m.id === me()) {
              <button type="button" class="link-button" (click)="remove(m)">Leave</button>
            } @else if (admin()) {
              <button type="button" class="link-button" (click)="remove(m)" [attr.aria-label]="'Remove ' + m.name">Remove</button>
            }
          </li>
        }
      </ul>

      <h3>Invite to #{{ active.name() }}</h3>
      <form class="inline invite-form" (submit)="$event.preventDefault(); invite()" novalidate>
        <label for="invite-lifetime">Link works for</label>
        <select id="invite-lifetime" #lifetime (change)="lifetimeSeconds.set(+lifetime.value)">
          @for (l of lifetimes; track l.seconds) {
            <option [value]="l.seconds" [selected]="l.seconds === lifetimeSeconds()">{{ l.label }}</option>
          }
        </select>
        <label><input type="checkbox" #once (change)="singleUse.set(once.checked)" /> one person only</label>
        <button type="submit" [disabled]="busy()">Create invite link</button>
      </form>
      @if (link(); as l) {
        <p class="invite-link">
          <label for="invite-url">Share this link (shown once):</label>
          <input id="invite-url" readonly [value]="l" (focus)="$any($event.target).select()" />
          <button type="button" (click)="copy(l)">{{ copied() ? 'Copied' : 'Copy' }}</button>
        </p>
      }
      <ul class="rooms-list">
        @for (i of invites(); track i.id) {
          <li>
            Link by <bdi>{{ i.createdBy }}</bdi>, until {{ until(i) }}{{ i.singleUse ? ', one person' : '' }}
            <button type="button" class="link-button" (click)="revoke(i)" [attr.aria-label]="'Revoke the link by ' + i.createdBy">
              Revoke
            </button>
          </li>
        }
      </ul>
    }

    @if (problem(); as p) {
      <p class="field-error" role="alert">{{ p }}</p>
    }
    @if (done(); as d) {
      <p class="hint" role="status">{{ d }}</p>
    }
  `,
  styles: `
    :host {
      position: absolute;
      top: 100%;
      right: 0.5rem;
      z-index: 10;
      width: min(28rem, calc(100vw - 1rem));
      max-height: 75vh;
      overflow: auto;
      padding: 0.75rem 1rem;
      background: var(--panel);
      border: 1px solid var(--border);
      border-radius: 8px;
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
      font-size: 0.95rem;
    }
    .rooms-head {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    h2 {
      font-size: 1.1rem;
      margin: 0;
    }
    h3 {
      font-size: 0.95rem;
      margin: 1rem 0 0.25rem;
    }
    form {
      flex-wrap: wrap;
      gap: 0.4rem;
      align-items: center;
    }
    .rooms-list {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .rooms-list li {
      padding: 0.2rem 0;
    }
    .tag {
      color: var(--muted);
      font-size: 0.85rem;
      margin-left: 0.4rem;
    }
    .invite-link input {
      width: 100%;
    }
  `,
})
export class RoomsPanel {
  private readonly api = inject(RoomsApi);
  private readonly url = inject(RoomUrl);
  private readonly roomList = inject(RoomListStore);
  private readonly auth = inject(AuthSession);
  protected readonly active = inject(ActiveRoom);
  readonly closed = output<void>();

  protected readonly lifetimes = LIFETIMES;
  protected readonly draft = signal('');
  protected readonly busy = signal(false);
  protected readonly all = signal(false);
  protected readonly rooms = signal<RoomSummary[]>([]);
  protected readonly members = signal<RoomMember[]>([]);
  protected readonly invites = signal<InviteSummary[]>([]);
  protected readonly lifetimeSeconds = signal(LIFETIMES[2].seconds);
  protected readonly singleUse = signal(false);
  protected readonly link = signal<string | null>(null);
  protected readonly copied = signal(false);
  protected readonly problem = signal<string | null>(null);
  protected readonly done = signal<string | null>(null);
  protected readonly me = computed(() => this.auth.user()?.id);
  protected readonly admin = computed(() => !!this.auth.user()?.roles.includes('admin'));
  protected readonly isPrivate = computed(() => this.rooms().some((r) => r.room === this.active.name() && r.visibility === 'private'));

  constructor() {
    effect(() => {
      const scope = this.all() ? 'all' : 'mine';
      untracked(() => void this.loadRooms(scope));
    });
    // The open room's members and invites, whenever it (or its privacy) changes.
    effect(() => {
      const room = this.isPrivate() ? this.active.name() : null;
      untracked(() => {
        this.link.set(null);
        if (room) void this.loadRoom(room);
      });
    });
  }

  protected async create(): Promise<void> {
    const name = normalizeRoom(this.draft());
    if (!name.ok) return this.problem.set(name.error);
    await this.run(async () => {
      const made = await this.api.call('createRoom', { room: name.room }, (a) => a.room);
      if (!made.ok) return { problem: made.error };
      this.draft.set('');
      await this.loadRooms(this.all() ? 'all' : 'mine');
      this.open(made.value);
      return { done: `Created the private room #${made.value}: invite people with a link below.` };
    });
  }

  protected open(room: string): void {
    this.roomList.add(room);
    this.url.go(room);
  }

  protected async invite(): Promise<void> {
    const room = this.active.name();
    if (!room) return;
    await this.run(async () => {
      const made = await this.api.call(
        'createInvite',
        { room, expiresInSeconds: this.lifetimeSeconds(), singleUse: this.singleUse() },
        (a) => a.invite,
      );
      if (!made.ok) return { problem: made.error };
      this.link.set(new URL(INVITE_LINK_PREFIX + encodeURIComponent(made.value.token), appRoot()).href);
      this.copied.set(false);
      await this.loadRoom(room);
      return null;
    });
  }

  protected async revoke(i: InviteSummary): Promise<void> {
    await this.run(async () => {
      const gone = await this.api.call('revokeInvite', { room: i.room, id: i.id }, () => null);
      if (!gone.ok) return { problem: gone.error };
      await this.loadRoom(i.room);
      return { done: 'The link admits nobody any more.' };
    });
  }

  protected async remove(m: RoomMember): Promise<void> {
    const room = this.active.name();
    if (!room) return;
    await this.run(async () => {
      const gone = await this.api.call('removeMember', { room, userId: m.id }, () => null);
      if (!gone.ok) return { problem: gone.error };
      await Promise.all([this.loadRoom(room), this.loadRooms(this.all() ? 'all' : 'mine')]);
      return { done: m.id === this.me() ? `You left #${room}.` : `Removed ${m.name} from #${room}.` };
    });
  }

  protected async copy(link: string): Promise<void> {
    await globalThis.navigator?.clipboard?.writeText(link).then(
      () => this.copied.set(true),
      () => this.problem.set('Copying was not allowed: select the link and copy it'),
    );
  }

  protected until(i: InviteSummary): string {
    return new Date(i.expiresAt).toLocaleString();
  }

  /** One change at a time; what it says (done, or the problem) replaces what the last one said. */
  private async run(work: () => Promise<Outcome>): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    this.done.set(null);
    try {
      const outcome = await work();
      this.done.set(outcome?.done ?? null);
      this.problem.set(outcome?.problem ?? null);
    } finally {
      this.busy.set(false);
    }
  }

  private async loadRooms(scope: 'mine' | 'all'): Promise<void> {
    const listed = await this.api.call('listRooms', { scope }, (a) => a.rooms);
    if (listed.ok) this.rooms.set(listed.value);
    else this.problem.set(listed.error);
  }

  private async loadRoom(room: string): Promise<void> {
    const [members, invites] = await Promise.all([
      this.api.call('listMembers', { room }, (a) => a.members),
      this.api.call('listInvites', { room }, (a) => a.invites),
    ]);
    this.members.set(members.ok ? members.value : []);
    this.invites.set(invites.ok ? invites.value : []);
    if (!members.ok) this.problem.set(members.error);
  }
}
