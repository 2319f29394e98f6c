import { DestroyRef, effect, inject, type ComponentRef, type Signal, type ViewContainerRef } from '@angular/core';
import type { IdentityForm } from './identity-form';

/**
 * The name form in `slot` whenever it shows. It is a chunk of its own: the first screen of a returning reader (and
 * of a signed-in one) never needs it. Call in an injection context.
 */
export function lazyNameForm(slot: Signal<ViewContainerRef | undefined>, setup?: (form: ComponentRef<IdentityForm>) => void): void {
  const host = inject(DestroyRef);
  effect(() => {
    const vcr = slot();
    if (vcr)
      void import('./identity-form').then(({ IdentityForm }) => {
        // Gone meanwhile (the page closed the panel, a test ended), or already there.
        if (host.destroyed || vcr.length) return;
        const form = vcr.createComponent(IdentityForm);
        setup?.(form);
      });
  });
}
