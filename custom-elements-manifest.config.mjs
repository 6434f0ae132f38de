// custom-elements.json from the element's JSDoc. The analyzer lists Lit's internal `state: true`
// properties as attributes and the events we dispatch through classes without their names (the
// class sets the name): both are cleaned up here so the manifest shows only the public surface.
const INTERNAL = new Set(['phase', 'definition', 'step', 'values', 'consent', 'errors', 'announcement']);

export default {
  globs: ['widget/lead-capture.ts', 'widget/events.ts'],
  outdir: 'dist/npm',
  litelement: true,
  plugins: [
    {
      name: 'lead-capture-public-surface',
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (declaration.attributes) {
              declaration.attributes = declaration.attributes.filter((a) => !INTERNAL.has(a.name));
            }
            if (declaration.members) {
              declaration.members = declaration.members.filter((m) => !INTERNAL.has(m.name));
            }
            if (declaration.events) declaration.events = declaration.events.filter((e) => e.name);
          }
        }
      },
    },
  ],
};
