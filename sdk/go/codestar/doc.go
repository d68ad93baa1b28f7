// Look up AWS CodeStar connections (GitHub, GitLab, Bitbucket, GitHub Enterprise Server, GitLab self-managed, Azure DevOps) read-only, with drift detection and a status gate.
package codestar
