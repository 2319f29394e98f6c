import { ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import { RuntimeConfig } from './config/runtime-config';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The API's origin comes from /config.json, so the app starts once it is read; the socket connects after the
    // first render (App), off the first paint's path.
    provideAppInitializer(() => inject(RuntimeConfig).load()),
  ],
};
