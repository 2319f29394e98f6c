import type { Injector } from '@angular/core';
import { mountInto } from '../shared/mount';
import { AccountMenu } from './account-menu';
import { SignInFlow } from './sign-in-flow';
import { SignInPanel } from './sign-in-panel';

/**
 * The sign-in chunk's entry (signed-in mode only): the sign-in screen and its notices in the page's `#sign-in`, the
 * account's controls in the header's `#account`, and the flow, which starts the socket once there is a token.
 */
export function startSignIn(injector: Injector): Promise<void> {
  mountInto(injector, 'sign-in', SignInPanel);
  mountInto(injector, 'account', AccountMenu);
  return injector.get(SignInFlow).start();
}
