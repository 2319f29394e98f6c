import { ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import { RuntimeConfig } from './config/runtime-config';
import { ChatSocket } from './connection/chat-socket';
import { SocketIoChatSocket } from './connection/socket-io-chat-socket';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    { provide: ChatSocket, useClass: SocketIoChatSocket },
    // The API's origin comes from /config.json, so the app starts once it is read; the socket connects after the
    // first render (App), off the first paint's path.
    provideAppInitializer(() => inject(RuntimeConfig).load()),
  ],
};
