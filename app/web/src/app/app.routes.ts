import { Routes } from '@angular/router';
import { DEFAULT_ROOM } from '@chat/protocol';
import { ChatPage } from './chat/chat-page';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: `r/${DEFAULT_ROOM}` },
  { path: 'r/:room', component: ChatPage, title: (route) => `#${route.paramMap.get('room') ?? DEFAULT_ROOM} · Chat` },
  { path: '**', redirectTo: `r/${DEFAULT_ROOM}` },
];
