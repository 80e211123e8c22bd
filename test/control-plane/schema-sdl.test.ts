import { printSchema } from 'graphql';
import { expect, it } from 'vitest';
import { schema } from '../../control-plane/schema/index.ts';

// The printed SDL is committed beside this test: any schema change shows up in review as a diff
// of schema.graphql. After an intended change: `npx vitest run test/control-plane/schema-sdl -u`.
it('matches the committed SDL', async () => {
  await expect(printSchema(schema)).toMatchFileSnapshot('./schema.graphql');
});
