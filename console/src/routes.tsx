import type { ReactNode } from 'react';
import { AuditPage } from './pages/audit.tsx';
import { BudgetsPage } from './pages/budgets.tsx';
import { CatalogPage } from './pages/catalog.tsx';
import { FleetPage } from './pages/fleet.tsx';
import { GuardrailsPage } from './pages/guardrails.tsx';
import { KeysPage } from './pages/keys.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { PlansPage } from './pages/plans.tsx';
import { PlaygroundPage } from './pages/playground.tsx';
import { TeamsPage } from './pages/teams.tsx';
import { UsagePage } from './pages/usage.tsx';

export interface RouteEntry {
  path: string;
  title: string;
  render: () => ReactNode;
  /** Shown to the platform admin only (the API refuses the rest anyway). */
  adminOnly?: boolean;
  /** Shown to team admins and owners too (the audit log). */
  managersOnly?: boolean;
  /** Keeps the selected `?team=` when navigating. */
  teamScoped?: boolean;
}

export const routes: RouteEntry[] = [
  { path: '/', title: 'Overview', render: () => <OverviewPage />, teamScoped: true },
  { path: '/teams', title: 'Teams & members', render: () => <TeamsPage />, teamScoped: true },
  { path: '/keys', title: 'API keys', render: () => <KeysPage />, teamScoped: true },
  { path: '/catalog', title: 'Providers & models', render: () => <CatalogPage /> },
  { path: '/plans', title: 'Plans', render: () => <PlansPage /> },
  { path: '/budgets', title: 'Budgets & credits', render: () => <BudgetsPage />, teamScoped: true },
  { path: '/guardrails', title: 'Guardrails & cache', render: () => <GuardrailsPage />, teamScoped: true },
  { path: '/usage', title: 'Usage analytics', render: () => <UsagePage />, teamScoped: true },
  { path: '/audit', title: 'Audit log', render: () => <AuditPage />, managersOnly: true },
  { path: '/fleet', title: 'Fleet', render: () => <FleetPage />, adminOnly: true },
  { path: '/playground', title: 'Playground', render: () => <PlaygroundPage />, teamScoped: true },
];
