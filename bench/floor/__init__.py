"""The engine's own floor: programs and a plugin that look nothing up (figure 10).

``dynamic/`` is a Pulumi program shaped like the repository's (the same stack config, resource
names, outputs and exports) whose dynamic provider makes no call: Check returns its inputs,
Diff says nothing changed, Create returns fixed outputs and Read the stored state.
``pulumi-resource-noop/`` is the same for the provider plugin: a Python plugin on the same
Pulumi provider server as ``codestar``, serving ``noop:Connection``. What they cost is what the
CLI, the SDK, the language host and the provider host cost for N resources; whatever ours costs
above that is ours.
"""
