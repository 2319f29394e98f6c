import { ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import { TitleStrategy, provideRouter, withComponentInputBinding } from '@angular/router';
import { routes } from './app.routes';
import { RuntimeConfig } from './config/runtime-config';
import { ChatSocket } from './connection/chat-socket';
import { UnreadTitleStrategy } from './notifications/unread-title';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding()),
    // The tab title carries the unread total: `(3) #global · Chat`.
    { provide: TitleStrategy, useClass: UnreadTitleStrategy },
    // The socket's origin comes from /config.json, so connect only once it is read.
    provideAppInitializer(() => {
      const config = inject(RuntimeConfig);
      const socket = inject(ChatSocket);
      return config.load().then(() => socket.start());
    }),
  ],
};
