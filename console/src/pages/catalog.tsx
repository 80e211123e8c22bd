import { PageHeader } from '../components/ui.tsx';
import { ModelsSection } from './catalog-models.tsx';
import { ProvidersSection } from './catalog-providers.tsx';
import { RoutingSection } from './catalog-routing.tsx';

export function CatalogPage() {
  return (
    <>
      <PageHeader title="Providers and models" />
      <ProvidersSection />
      <ModelsSection />
      <RoutingSection />
    </>
  );
}
