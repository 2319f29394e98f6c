import { ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { routes } from './app.routes';
import { RuntimeConfig } from './config/runtime-config';
import { ChatSocket } from './connection/chat-socket';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding()),
    // The socket's origin comes from /config.json, so connect only once it is read.
    provideAppInitializer(() => {
      const config = inject(RuntimeConfig);
      const socket = inject(ChatSocket);
      return config.load().then(() => socket.start());
    }),
  ],
};
