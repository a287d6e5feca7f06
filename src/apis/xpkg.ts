/**
 * How Crossplane's package manager names things (crossplane-runtime v2 pkg/xpkg/name.go), for the
 * objects this project creates beside it: the Function objects of the chart carry the names the
 * package manager gives the same packages when it installs them as dependencies of the
 * Configuration package, so one Composition works with either install path.
 */

/** xpkg.ToDNSLabel: keeps [a-z0-9], maps `. / : -` to `-`, stops at byte 63, trims `-`. */
export function toDnsLabel(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (/[a-z0-9]/.test(ch)) out += ch;
    if ('./:-'.includes(ch) && i !== 0 && i !== 62 && i !== s.length - 1) out += '-';
    if (i === 62) break;
  }
  return out.replace(/^-+|-+$/g, '');
}

/** The repository of a package reference without tag or digest: `registry/org/name` -> `org/name`. */
export function repositoryOf(pkg: string): string {
  const first = pkg.indexOf('/');
  const host = first < 0 ? '' : pkg.slice(0, first);
  // A first segment with a dot, a colon or `localhost` is a registry (go-containerregistry's rule).
  const hasRegistry = first >= 0 && (host.includes('.') || host.includes(':') || host === 'localhost');
  return hasRegistry ? pkg.slice(first + 1) : pkg;
}

/** The name the package manager gives a package it installs as a dependency (resolver NewPackage). */
export const dependencyObjectName = (pkg: string): string => toDnsLabel(repositoryOf(pkg));
