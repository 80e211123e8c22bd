import type { ReactNode } from 'react';
import { CatalogPage } from './pages/catalog.tsx';
import { TeamsPage } from './pages/teams.tsx';
import { KeysPage } from './pages/keys.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { PlaygroundPage } from './pages/playground.tsx';

export interface RouteEntry {
  path: string;
  title: string;
  render: () => ReactNode;
  /** Shown to the platform admin only (the API refuses the rest anyway). */
  adminOnly?: boolean;
  /** Keeps the selected `?team=` when navigating. */
  teamScoped?: boolean;
}

export const routes: RouteEntry[] = [
  { path: '/', title: 'Overview', render: () => <OverviewPage />, teamScoped: true },
  { path: '/teams', title: 'Teams & members', render: () => <TeamsPage />, teamScoped: true },
  { path: '/keys', title: 'API keys', render: () => <KeysPage />, teamScoped: true },
  { path: '/catalog', title: 'Providers & models', render: () => <CatalogPage /> },
  { path: '/playground', title: 'Playground', render: () => <PlaygroundPage />, teamScoped: true },
];
