import type { SnapshotDeployment, SnapshotModel, SnapshotPrice } from '../snapshot/schema.ts';

/**
 * The price an attempt served by `deployment` is billed at: the deployment's own price version
 * when it has one (the same model costs differently per provider), else the model's.
 */
export function attemptPrice(model: Pick<SnapshotModel, 'price'>, deployment: Pick<SnapshotDeployment, 'price'>): SnapshotPrice | null {
  return deployment.price ?? model.price;
}
