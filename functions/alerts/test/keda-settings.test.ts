import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../shared/src/config';
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
    const { alerts } = parseConfig({});
    expect({
      listLength: alerts.kedaListLength,
      activationListLength: alerts.kedaActivationListLength,
      minReplicas: alerts.kedaMinReplicas,
      maxReplicas: alerts.kedaMaxReplicas,
      inFlightLength: alerts.kedaInFlightLength,
      activationInFlightLength: alerts.kedaActivationInFlightLength,
    }).toEqual({
      listLength: manifest.listLength,
      activationListLength: manifest.activationListLength,
      minReplicas: manifest.minReplicas,
      maxReplicas: manifest.maxReplicas,
      inFlightLength: manifest.inFlightLength,
      activationInFlightLength: manifest.activationInFlightLength,
    });
  });
});
