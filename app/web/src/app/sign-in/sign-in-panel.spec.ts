import { TestBed } from '@angular/core/testing';
import { SignInFlow } from './sign-in-flow';
import { SignInPanel } from './sign-in-panel';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';

async function render() {
  TestBed.configureTestingModule({ providers: [provideFakeSocket(new FakeChatSocket())] });
  const flow = TestBed.inject(SignInFlow);
  const signIn = vi.spyOn(flow, 'signIn').mockResolvedValue();
  const fixture = TestBed.createComponent(SignInPanel);
  await fixture.whenStable();
  return { flow, signIn, fixture, el: fixture.nativeElement as HTMLElement };
}

describe('SignInPanel', () => {
  it('signed out: a titled sign-in screen whose button goes to the provider, and what an invite will do', async () => {
    const { flow, signIn, fixture, el } = await render();
    flow.phase.set('signed-out');
    flow.invited.set(true);
    await fixture.whenStable();
    expect(el.querySelector('h2')!.textContent).toBe('Sign in to the chat');
    expect(el.querySelector('.sign-in-invite')!.textContent).toMatch(/invite to a private room/);
    el.querySelector<HTMLButtonElement>('.sign-in-button')!.click();
    expect(signIn).toHaveBeenCalled();
  });

  it('signed in: a refusal is an alert with "Sign in again"; other news can be dismissed', async () => {
    const { flow, signIn, fixture, el } = await render();
    flow.phase.set('signed-in');
    flow.notice.set({ text: 'Your sign-in has expired. Sign in again to keep chatting.', signIn: true });
    await fixture.whenStable();
    const alert = el.querySelector('[role=alert]')!;
    expect(alert.textContent).toContain('Your sign-in has expired');
    [...alert.querySelectorAll('button')].find((b) => b.textContent === 'Sign in again')!.click();
    expect(signIn).toHaveBeenCalled();
    flow.notice.set({ text: 'You are now a member of #team.', signIn: false });
    await fixture.whenStable();
    expect([...el.querySelectorAll('[role=alert] button')].map((b) => b.textContent)).toEqual(['Dismiss']);
    el.querySelector<HTMLButtonElement>('[role=alert] button')!.click();
    await fixture.whenStable();
    expect(el.querySelector('[role=alert]')).toBeNull();
  });
});
