import { TestBed } from '@angular/core/testing';
import { RoomPicker } from './room-picker';
import { RoomUrl } from './room-url';

describe('RoomPicker', () => {
  it('goes to the room typed, normalised, and starts empty again when the room changes', async () => {
    const fixture = TestBed.createComponent(RoomPicker);
    fixture.componentRef.setInput('current', 'global');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const input = el.querySelector('input')!;
    input.value = '#Team Chat';
    input.dispatchEvent(new Event('input'));
    el.querySelector('form')!.dispatchEvent(new Event('submit'));
    expect(TestBed.inject(RoomUrl).room()).toBe('team-chat');

    input.value = 'half typed';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    fixture.componentRef.setInput('current', 'team-chat');
    await fixture.whenStable();
    expect(input.value).toBe('');
  });

  it('says why a name cannot be a room', async () => {
    const fixture = TestBed.createComponent(RoomPicker);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    el.querySelector('form')!.dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(el.querySelector('[role=alert]')!.textContent).toContain('Type a room name');
  });
});
