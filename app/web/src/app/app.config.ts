import { ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import { RuntimeConfig } from './config/runtime-config';
import { ChatSocket } from './connection/chat-socket';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The socket's origin comes from /config.json, so connect only once it is read.
    provideAppInitializer(() => {
      const config = inject(RuntimeConfig);
      const socket = inject(ChatSocket);
      return config.load().then(() => socket.start());
    }),
  ],
};
