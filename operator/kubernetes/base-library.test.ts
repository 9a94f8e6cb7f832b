import { describe, expect, it } from 'vitest';
import { BASE_LIBRARY_LABELS, baseLibraryFromEnv, readLibraryKey } from './base-library.js';

describe('readLibraryKey', () => {
  const template = `apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata:
  name: note-sms
  namespace: somewhere-else
  labels: { team: collections, app.kubernetes.io/managed-by: someone }
spec: { channel: sms, locales: { nl: { sms: Notitie } } }
`;

  it('puts each resource in the base namespace with our labels, whatever namespace the text names', () => {
    const read = readLibraryKey('template-note-sms.yaml', template, 'outputstraat-base');
    expect(read).toEqual({
      objects: [
        {
          kind: 'Template',
          name: 'note-sms',
          body: {
            apiVersion: 'outputstraat.io/v1alpha1',
            kind: 'Template',
            metadata: {
              name: 'note-sms',
              namespace: 'outputstraat-base',
              labels: { team: 'collections', ...BASE_LIBRARY_LABELS },
            },
            spec: { channel: 'sms', locales: { nl: { sms: 'Notitie' } } },
          },
        },
      ],
    });
  });

  it('refuses other kinds, other API groups, bad names and broken YAML, naming the key and document', () => {
    const cases: [string, RegExp][] = [
      ['apiVersion: v1\nkind: Secret\nmetadata: { name: x }\n', /k\.yaml \(document 1\): apiVersion is "v1"/],
      [
        'apiVersion: outputstraat.io/v1alpha1\nkind: Role\nmetadata: { name: x }\n',
        /kind "Role" is not one of Corporation, Flow/,
      ],
      [
        `${template}---\napiVersion: outputstraat.io/v1alpha1\nkind: Flow\nmetadata: { name: "../x" }\n`,
        /\(document 2\): metadata.name/,
      ],
      ['kind: [unclosed\n', /k\.yaml \(document 1\): not YAML/],
      ['- a\n- b\n', /not a resource/],
      [
        'apiVersion: outputstraat.io/v1alpha1\nkind: Corporation\nmetadata: { name: woonstad }\nspec: { displayName: W }\n',
        /must be the street defaults/,
      ],
    ];
    for (const [text, error] of cases) {
      const read = readLibraryKey('k.yaml', text, 'outputstraat-base');
      expect('error' in read && read.error, text).toMatch(error);
    }
  });

  it('takes the street defaults Corporation and skips empty documents', () => {
    const text =
      '---\n---\napiVersion: outputstraat.io/v1alpha1\nkind: Corporation\nmetadata: { name: street-defaults }\nspec: { defaults: true }\n';
    const read = readLibraryKey('corporation-street-defaults.yaml', text, 'base');
    expect('objects' in read && read.objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'Corporation/street-defaults',
    ]);
  });
});

describe('baseLibraryFromEnv', () => {
  it('is off unless OST_BASE_LIBRARY is set, and reads <namespace>/<configmap>', () => {
    expect(baseLibraryFromEnv({})).toBeUndefined();
    expect(baseLibraryFromEnv({ OST_BASE_LIBRARY: 'outputstraat/ost-base-library' })).toEqual({
      configMapNamespace: 'outputstraat',
      configMapName: 'ost-base-library',
      namespace: 'outputstraat-base',
    });
    expect(
      baseLibraryFromEnv({ OST_BASE_LIBRARY: 'ops/lib', OST_BASE_LIBRARY_NAMESPACE: 'shared-base' })
        ?.namespace,
    ).toBe('shared-base');
  });

  it('refuses a reference that is not two Kubernetes names, saying what to set', () => {
    for (const ref of ['lib', 'a/b/c', '../x', 'Ops/lib', 'ops/'])
      expect(() => baseLibraryFromEnv({ OST_BASE_LIBRARY: ref }), ref).toThrow(
        /set it to <namespace>\/<configmap>/,
      );
    expect(() =>
      baseLibraryFromEnv({ OST_BASE_LIBRARY: 'ops/lib', OST_BASE_LIBRARY_NAMESPACE: 'Not_A_Namespace' }),
    ).toThrow(/OST_BASE_LIBRARY_NAMESPACE/);
  });
});
