// custom-elements.json from the element's JSDoc: what a partner's editor and tools see. Only the
// public surface: members that are private, protected or ES-private (`#x`) are left out, and so
// are declarations other than the element and its event classes.
const PUBLIC_MODULES = new Set(['widget/lead-capture.ts', 'widget/events.ts']);

export default {
  globs: ['widget/lead-capture.ts', 'widget/events.ts'],
  outdir: 'dist/npm',
  litelement: true,
  plugins: [
    {
      name: 'lead-capture-public-surface',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules = customElementsManifest.modules.filter((m) => PUBLIC_MODULES.has(m.path));
        for (const module of customElementsManifest.modules) {
          module.declarations = (module.declarations ?? []).filter((d) => d.kind === 'class');
          for (const declaration of module.declarations) {
            if (declaration.members) {
              declaration.members = declaration.members.filter(
                (m) => !m.name.startsWith('#') && m.privacy !== 'private' && m.privacy !== 'protected',
              );
            }
          }
        }
      },
    },
  ],
};
