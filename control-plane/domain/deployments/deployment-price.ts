import type { z } from 'zod';
import type { ProviderKind } from '../../../shared/snapshot/schema.ts';
import { lookupCatalogue } from '../catalogue/catalogue.ts';
import { ValidationError } from '../errors.ts';
import { type PriceInput, priceColumns } from '../models/prices.ts';
import type { Tx } from '../mutate.ts';

/** What a deployment may say about its own price: explicit, or the catalogue's for its provider. */
export interface DeploymentPriceFields {
  upstreamModel: string;
  price?: z.infer<typeof PriceInput> | null;
  fromCatalogue?: boolean | null;
}

/**
 * The deployment's own first price version, overriding the model's for attempts it serves: the
 * given price, or with `fromCatalogue` the catalogue's price for this provider kind and upstream
 * model (Azure's price for an Azure deployment, not OpenAI's). An explicit price wins. Not in the
 * catalogue: a validation error at `path`, so the deployment is never silently priced as the model.
 */
export async function createDeploymentPrice(
  tx: Tx,
  deployment: { id: string; modelId: string },
  fields: DeploymentPriceFields,
  kind: ProviderKind,
  path: string,
): Promise<void> {
  let price = fields.price ?? null;
  if (!price && fields.fromCatalogue) {
    const entry = await lookupCatalogue(kind, fields.upstreamModel);
    if (!entry) {
      throw new ValidationError([{ path, message: `the catalogue has no price for ${kind} model "${fields.upstreamModel}"; give a price instead` }]);
    }
    price = entry.price;
  }
  if (!price) return;
  await tx.modelPrice.create({ data: { modelId: deployment.modelId, deploymentId: deployment.id, ...priceColumns(price) } });
}
