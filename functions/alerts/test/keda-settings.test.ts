import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../shared/src/config';
import { kedaSettings } from '../src/app/dashboard-parts';
import { scalingSettingsFromManifest, type ManifestDoc } from '../../../scripts/stack/manifest-scaling';

/**
 * The dashboard's "replicas KEDA would choose" uses KEDA_* variables; their defaults must be the
 * settings of the Knative inference Service (the default deployment), read from the manifest itself.
 */
describe('KEDA defaults of the alerts dashboard', () => {
  const file = path.join(__dirname, '..', '..', '..', 'knative', 'inference', 'service.yaml');
  it('equal the Knative inference Service’s scaled-object override', () => {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as ManifestDoc);
    const service = docs.find((d) => d.kind === 'Service');
    expect(service).toBeDefined();
    const manifest = scalingSettingsFromManifest(service as ManifestDoc);
    // the six settings, each equal to the manifest's
    expect(manifest).toMatchObject(kedaSettings(parseConfig({}).alerts));
  });
});
