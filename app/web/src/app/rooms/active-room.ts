import { Injectable, signal } from '@angular/core';

/** The room open in this tab: the one the page shows, whose live messages its store takes, whose presence and typing show. */
@Injectable({ providedIn: 'root' })
export class ActiveRoom {
  private readonly current = signal<string | null>(null);
  readonly name = this.current.asReadonly();

  /** Only entering a room (RoomMessages.enter) changes it. */
  set(name: string): void {
    this.current.set(name);
  }
}
