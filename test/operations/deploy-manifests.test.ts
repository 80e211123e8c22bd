import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { npmScriptRuntime } from '../../bench/processes.ts';
import { readControlPlaneEnv } from '../../control-plane/env.ts';
import { parseDataPlaneEnv } from '../../data-plane/env.ts';

const dir = path.resolve(import.meta.dirname, '../../deploy/kubernetes');

/** Every YAML document of a file, parsed with the `yaml` package; a syntax error fails the test. */
function loadYaml(file: string): any[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${JSON.stringify(doc.errors)}`);
    return doc.toJS();
  });
}

const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
const docs = files.flatMap((name) =>
  loadYaml(path.join(dir, name))
    .filter(Boolean)
    .map((doc) => ({ file: name, doc })),
);
const find = (kind: string, name: string) => docs.find(({ doc }) => doc.kind === kind && doc.metadata?.name === name)?.doc;
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('deploy/kubernetes manifests', () => {
  it('parse, and every object has apiVersion, kind and name; kustomization lists every file', () => {
    expect(docs.length).toBeGreaterThanOrEqual(9);
    for (const { file, doc } of docs) {
      expect(doc.apiVersion, file).toBeTruthy();
      expect(doc.kind, file).toBeTruthy();
      if (doc.kind !== 'Kustomization') expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
    }
    const kustomization = docs.find(({ doc }) => doc.kind === 'Kustomization')!.doc;
    expect([...kustomization.resources].sort()).toEqual(files.filter((name) => name !== 'kustomization.yaml').sort());
  });

  it('the data plane has readiness on /readyz, liveness on /healthz, a grace period longer than its drain, an HPA and a PDB', () => {
    const deployment = find('Deployment', 'tollgate-data-plane');
    const pod = deployment.spec.template;
    expect(matches(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    const container = pod.spec.containers[0];
    expect(container.command.join(' ')).toContain('dist/data-plane/main.js');
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(container.ports[0].containerPort).toBe(8080);
    const drainMs = Number(find('ConfigMap', 'tollgate-config').data.TOLLGATE_DRAIN_TIMEOUT_MS);
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs + preStopSeconds * 1000);
    const dataMount = container.volumeMounts.find((mount: any) => mount.mountPath === find('ConfigMap', 'tollgate-config').data.TOLLGATE_DATA_DIR);
    expect(dataMount, 'the last good snapshot directory is a volume').toBeTruthy();

    const hpa = find('HorizontalPodAutoscaler', 'tollgate-data-plane');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'tollgate-data-plane' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const pdb = find('PodDisruptionBudget', 'tollgate-data-plane');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(matches(pdb.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
  });

  it('services select their deployments, and the control plane probes /readyz and /healthz', () => {
    for (const name of ['tollgate-data-plane', 'tollgate-control-plane']) {
      const service = find('Service', name);
      const deployment = find('Deployment', name);
      expect(matches(service.spec.selector, deployment.spec.template.metadata.labels), name).toBe(true);
      const port = deployment.spec.template.spec.containers[0].ports[0];
      expect(service.spec.ports[0].targetPort === port.name || service.spec.ports[0].targetPort === port.containerPort, name).toBe(true);
    }
    const controlDeployment = find('Deployment', 'tollgate-control-plane');
    const control = controlDeployment.spec.template.spec.containers[0];
    expect(control.command.join(' ')).toContain('dist/control-plane/main.js');
    // Replicas: two or more, rolled one at a time, and never all evicted at once.
    expect(controlDeployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(controlDeployment.spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    const controlPdb = find('PodDisruptionBudget', 'tollgate-control-plane');
    expect(controlPdb.apiVersion).toBe('policy/v1');
    expect(controlPdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(matches(controlPdb.spec.selector.matchLabels, controlDeployment.spec.template.metadata.labels)).toBe(true);
    expect(control.readinessProbe.httpGet.path).toBe('/readyz');
    expect(control.livenessProbe.httpGet.path).toBe('/healthz');
  });

  it('the ConfigMap and Secret hold a valid environment for both planes once the placeholders are replaced, and every reference resolves', () => {
    const config = find('ConfigMap', 'tollgate-config').data;
    const shipped = find('Secret', 'tollgate-secrets').stringData;
    // The shipped placeholders are public: in production (the ConfigMap's NODE_ENV) both planes refuse them.
    expect(config.NODE_ENV).toBe('production');
    const refused = parseDataPlaneEnv({ ...config, ...shipped });
    expect(refused.ok ? [] : refused.errors).toEqual([expect.stringMatching(/TOLLGATE_SECRET_KEY: key "k1" is the publicly known example/)]);
    const secret = {
      ...shipped,
      TOLLGATE_SECRET_KEY: `k1:${Buffer.alloc(32, 0xa7).toString('base64')}`,
      TOLLGATE_ADMIN_KEY: 'tga_operator-chosen-admin-key-1234',
    };
    const env = { ...config, ...secret, TOLLGATE_INSTANCE_ID: 'tollgate-data-plane-abc12' };
    const data = parseDataPlaneEnv(env);
    expect(data.ok ? [] : data.errors).toEqual([]);
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`control plane env rejected (exit ${code})`);
    });
    try {
      expect(readControlPlaneEnv(env)).toMatchObject({ DATABASE_URL: secret.DATABASE_URL, REDIS_URL: secret.REDIS_URL });
    } finally {
      exit.mockRestore();
    }
    for (const { doc } of docs.filter(({ doc }) => doc.kind === 'Deployment')) {
      for (const source of doc.spec.template.spec.containers[0].envFrom) {
        const ref = source.configMapRef ?? source.secretRef;
        expect(find(source.configMapRef ? 'ConfigMap' : 'Secret', ref.name), ref.name).toBeTruthy();
      }
    }
  });
});

describe('the data plane runs as `npm run data-plane` wherever it is started', () => {
  it('compose and Kubernetes start it with the node flags and the variables of the package.json script (which the bench reads too)', () => {
    const { env, nodeArgs } = npmScriptRuntime('data-plane');
    expect(env).toHaveProperty('MALLOC_MMAP_THRESHOLD_');
    const command = ['node', ...nodeArgs, 'dist/data-plane/main.js'];

    const compose = parse(readFileSync(path.resolve(import.meta.dirname, '../../compose.yaml'), 'utf8')).services['data-plane'];
    expect(compose.command).toEqual(command);
    for (const [name, value] of Object.entries(env)) expect(String(compose.environment[name]), name).toBe(value);

    const container = find('Deployment', 'tollgate-data-plane').spec.template.spec.containers[0];
    expect(container.command).toEqual(command);
    for (const [name, value] of Object.entries(env)) expect(container.env.find((entry: any) => entry.name === name)?.value, name).toBe(value);
  });
});
