"""The `pulumirpc.LanguageRuntime` service for Python programs.

Behaviour follows Pulumi's Go host (sdk/python/cmd/pulumi-language-python/main.go) for
everything `pulumi preview/up/refresh/destroy/about/install` needs, with two deliberate
differences because this machine is offline:

* GetRequiredPackages reports no packages, so the engine never tries to download provider
  plugins; Pulumi packages that would need one are named in a warning instead.
* InstallDependencies never creates virtual environments or runs pip; it checks the configured
  environment and says how to change it.

RunPlugin (how the engine starts Python policy packs since v3.221) is in langhost.plugins.
Methods that are not overridden (code generation, packing, linking, prompts, ...) keep the
generated servicer's UNIMPLEMENTED answer.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import random
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import grpc

from langhost.plugins import (
    ANALYZER_KIND,
    PluginError,
    exit_status,
    merge_environment,
    plugin_command,
    stream_process,
)
from langhost.probes import (
    ABOUT_SCRIPT,
    HAS_MODULE_SCRIPT,
    PULUMI_PACKAGES_SCRIPT,
    ProbeError,
    run_probe,
)
from langhost.protos import (
    engine_pb2,
    engine_pb2_grpc,
    language_pb2,
    language_pb2_grpc,
    plugin_pb2,
)
from langhost.toolchain import (
    PythonOptions,
    RuntimeOptionsError,
    Toolchain,
    TypeChecker,
    VirtualEnvError,
    parse_options,
    python_command,
)

__all__ = [
    "BAIL_EXIT_CODE",
    "GRPC_MAX_MESSAGE_BYTES",
    "LanguageHost",
    "construct_arguments",
    "host_version",
    "run_exit_response",
]

_LOG = logging.getLogger("langhost")

# pulumi-language-python-exec exits with 32 after it has already shown the user an actionable
# error; the engine must then stop without printing anything else (RunResponse.bail).
BAIL_EXIT_CODE = 32
# The engine's gRPC clients and servers accept messages up to 400 MiB (rpcutil.maxRPCMessageSize);
# matching it keeps large RunRequest configs from being rejected by our side first.
GRPC_MAX_MESSAGE_BYTES = 400 * 1024 * 1024
# How long a cancelled program gets between SIGTERM and SIGKILL (the Go host's cmd.WaitDelay).
_CANCEL_GRACE_SECONDS = 5.0
_POLL_SECONDS = 0.2

# google.protobuf ships no type information; importing it by name keeps mypy strict happy
# without a `type: ignore` that would turn "unused" once someone installs types-protobuf.
_empty_pb2 = importlib.import_module("google.protobuf.empty_pb2")


def host_version() -> str:
    """The version we report to the engine: that of the Pulumi SDK we were installed with.

    The host speaks the protocol of that SDK release (and ships that release's exec script), so
    this is the truthful equivalent of the Go host reporting its build version.
    """
    try:
        return version("pulumi")
    except PackageNotFoundError:
        return "0.0.0"


def _normalize_package_name(name: str) -> str:
    # Same normalisation as the Go toolchain (PEP 503): lower case, runs of -_. become "-".
    return re.sub(r"[-_.]+", "-", name.lower())


def construct_arguments(
    request: language_pb2.RunRequest, engine_address: str, tracing: str
) -> list[str]:
    """Command line for pulumi-language-python-exec, flag for flag as the Go host builds it.

    Empty values are left out (the exec script treats a missing flag as None), but `dry_run`
    and `parallel` always have a value.
    """
    args: list[str] = []

    def maybe_append(name: str, value: str) -> None:
        if value:
            args.extend((f"--{name}", value))

    maybe_append("monitor", request.monitor_address)
    maybe_append("engine", engine_address)
    maybe_append("project", request.project)
    maybe_append("root_directory", request.info.root_directory)
    maybe_append("stack", request.stack)
    maybe_append("pwd", request.pwd)
    maybe_append("dry_run", "true" if request.dryRun else "false")
    maybe_append("parallel", str(request.parallel))
    maybe_append("tracing", tracing)
    maybe_append("organization", request.organization)
    # Old engines only set the deprecated `program`; current ones always set an entry point
    # ("." for the program directory).
    args.append(request.info.entry_point or request.program or ".")
    args.extend(request.args)
    return args


def run_exit_response(returncode: int) -> language_pb2.RunResponse:
    """Translate the exec script's exit status into the RunResponse the engine expects."""
    if returncode == 0:
        return language_pb2.RunResponse()
    if returncode == BAIL_EXIT_CODE:
        # The program already reported its error through the engine's log: bail silently.
        return language_pb2.RunResponse(bail=True)
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return language_pb2.RunResponse(error=f"program exited unexpectedly: {name}")
    return language_pb2.RunResponse(error=f"program exited with non-zero exit code: {returncode}")


def _signal_group(proc: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    # The program leads its own process group (see Run), so this also reaches any processes
    # the program started itself.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def _terminate_then_kill(proc: subprocess.Popen[bytes], grace: float) -> int:
    """Stop a program the engine no longer wants: SIGTERM, then SIGKILL after `grace`.

    The Go host sends SIGINT here, which makes Python print a KeyboardInterrupt traceback
    through the exec script's event loop and thread pool. When the engine cancels a run (for
    instance because a resource failed and the program is blocked in a registration the
    engine will never answer), that traceback is pure noise under the real error. SIGTERM's
    default action ends Python silently; the program runs with `-u`, so nothing it printed
    is lost in a buffer.
    """
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
    try:
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal_group(proc, signal.SIGKILL)
        return proc.wait()


def _struct_to_dict(struct: object) -> dict[str, object]:
    """`google.protobuf.Struct` to a plain dict (Struct is a mapping of JSON-like values)."""
    items = getattr(struct, "items", None)
    if items is None:
        return {}
    return {str(key): value for key, value in items()}


def project_packages(root: Path) -> set[str]:
    """The names under Pulumi.yaml's top-level ``packages:`` (local plugins the engine runs)."""
    # PyYAML (in the repository's virtualenv, which runs this host) ships no type information.
    yaml: Any = importlib.import_module("yaml")

    for name in ("Pulumi.yaml", "Pulumi.yml"):
        try:
            project = yaml.safe_load((root / name).read_text())
        except (OSError, yaml.YAMLError):
            continue
        packages = project.get("packages") if isinstance(project, dict) else None
        return {str(key) for key in packages} if isinstance(packages, dict) else set()
    return set()


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    """Runs Pulumi Python programs for the engine."""

    def __init__(
        self,
        *,
        executor: Path,
        engine_address: str = "",
        tracing: str = "",
        environ: Mapping[str, str] | None = None,
        on_engine_address: Callable[[str], None] | None = None,
    ) -> None:
        self._executor = executor
        self._engine_address = engine_address
        self._tracing = tracing
        self._environ = dict(os.environ if environ is None else environ)
        self._on_engine_address = on_engine_address
        self._version = host_version()
        # Cancel is final, as in the Go host: once the engine cancels, later runs stop too.
        self._cancelled = threading.Event()
        self._children: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    # -- helpers -------------------------------------------------------------------------------

    @property
    def engine_address(self) -> str:
        return self._engine_address

    def _options(
        self, info: language_pb2.ProgramInfo, context: grpc.ServicerContext, *, is_plugin: bool
    ) -> PythonOptions:
        try:
            return parse_options(
                info.root_directory,
                info.program_directory,
                _struct_to_dict(info.options),
                is_plugin=is_plugin,
            )
        except RuntimeOptionsError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))

    def _python(
        self, opts: PythonOptions, context: grpc.ServicerContext
    ) -> tuple[str, dict[str, str]]:
        try:
            return python_command(opts, self._environ)
        except VirtualEnvError as exc:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))

    def _engine_log(self, severity: engine_pb2.LogSeverity.ValueType, message: str) -> None:
        """Show `message` to the user through the engine, or on stderr if that fails.

        The engine prints a language host's stderr only as unstructured text, whereas Log
        gives a proper "warning:" diagnostic.
        """
        if self._engine_address:
            try:
                with grpc.insecure_channel(self._engine_address) as channel:
                    engine_pb2_grpc.EngineStub(channel).Log(
                        engine_pb2.LogRequest(
                            severity=severity,
                            message=message,
                            streamId=random.randrange(1, 2**31),
                        ),
                        timeout=10,
                    )
                return
            except grpc.RpcError as exc:
                _LOG.debug("engine Log failed: %s", exc)
        print(message, file=sys.stderr, flush=True)

    def _typecheck(
        self,
        opts: PythonOptions,
        python: str,
        env: Mapping[str, str],
        context: grpc.ServicerContext,
    ) -> None:
        """Run mypy/pyright over the program first, as `runtime.options.typechecker` asks."""
        checker = opts.typechecker.value
        try:
            installed = run_probe(python, HAS_MODULE_SCRIPT, env, [checker])
        except ProbeError as exc:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        if installed is not True:
            context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"The typechecker option is set to {checker}, but {checker} is not installed. "
                f"Please add an entry for {checker} to requirements.txt and run "
                f"`{python} -m pip install -r requirements.txt`",
            )
        args = [python, "-m", checker]
        venv = opts.virtualenv_path
        if opts.typechecker is TypeChecker.MYPY and venv is not None:
            args += ["--exclude", os.path.relpath(venv, opts.program_dir)]
        args.append(str(opts.program_dir))
        completed = subprocess.run(
            args,
            cwd=opts.program_dir,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        output = (completed.stdout + completed.stderr).strip()
        if completed.returncode != 0:
            detail = f"\n{output}" if output else ""
            context.abort(
                grpc.StatusCode.UNKNOWN,
                f"{checker} failed: exit status {completed.returncode}{detail}",
            )

    def _wait(self, proc: subprocess.Popen[bytes], context: grpc.ServicerContext) -> int:
        """Wait for the program, stopping it if the engine cancels or hangs up."""
        while True:
            try:
                return proc.wait(timeout=_POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if self._cancelled.is_set() or not context.is_active():
                _LOG.debug("stopping program pid %d", proc.pid)
                return _terminate_then_kill(proc, _CANCEL_GRACE_SECONDS)

    def shutdown_children(self, grace: float = _CANCEL_GRACE_SECONDS) -> None:
        """Stop any program still running when the host itself is asked to exit."""
        self._cancelled.set()
        with self._lock:
            children = list(self._children)
        for proc in children:
            _terminate_then_kill(proc, grace)

    # -- RPCs ----------------------------------------------------------------------------------

    def Handshake(
        self, request: language_pb2.LanguageHandshakeRequest, context: grpc.ServicerContext
    ) -> language_pb2.LanguageHandshakeResponse:
        # Only sent when the engine attaches to an already running host (PULUMI_DEBUG_LANGUAGES);
        # a host the engine starts itself gets the address on its command line instead.
        self._engine_address = request.engine_address
        if self._on_engine_address is not None and request.engine_address:
            self._on_engine_address(request.engine_address)
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(
        self, request: object, context: grpc.ServicerContext
    ) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=self._version)

    def GetRequiredPlugins(
        self, request: language_pb2.GetRequiredPluginsRequest, context: grpc.ServicerContext
    ) -> language_pb2.GetRequiredPluginsResponse:
        # Deprecated; the engine only asks when GetRequiredPackages is unimplemented.
        return language_pb2.GetRequiredPluginsResponse()

    def GetRequiredPackages(
        self, request: language_pb2.GetRequiredPackagesRequest, context: grpc.ServicerContext
    ) -> language_pb2.GetRequiredPackagesResponse:
        # The engine installs (downloads) every package returned here before running the
        # program. Nothing can be downloaded on this machine, and the programs this host is for
        # need no provider binary (dynamic providers are served by pulumi-resource-pulumi-python),
        # so we return none and only warn about packages that will need a plugin at run time.
        opts = self._options(request.info, context, is_plugin=False)
        python, env = self._python(opts, context)
        try:
            found = run_probe(python, PULUMI_PACKAGES_SCRIPT, env)
        except ProbeError as exc:
            _LOG.debug("listing Pulumi packages failed: %s", exc)
            found = []
        # A plugin the project's Pulumi.yaml names under `packages:` is the engine's to start.
        declared = project_packages(Path(request.info.root_directory or "."))
        if isinstance(found, list):
            found = [
                item
                for item in found
                if isinstance(item, dict) and item.get("plugin") not in declared
            ]
        if isinstance(found, list) and found:
            names = ", ".join(
                f"{item['package']} {item['version']} (plugin '{item['plugin']}')" for item in found
            )
            self._engine_log(
                engine_pb2.WARNING,
                f"The Python environment {python} contains Pulumi packages that need provider "
                f"plugins: {names}. This offline language host does not ask the engine to "
                "install plugins, so registering their resources fails unless the plugin binary "
                "is already on PATH or in $PULUMI_HOME/plugins.",
            )
        return language_pb2.GetRequiredPackagesResponse()

    def Run(
        self, request: language_pb2.RunRequest, context: grpc.ServicerContext
    ) -> language_pb2.RunResponse:
        if not self._engine_address:
            context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                "when debugging or running explicitly, must call Handshake before Run",
            )
        if request.attach_debugger:
            return language_pb2.RunResponse(
                error="this language host cannot attach a debugger to Python programs"
            )
        opts = self._options(request.info, context, is_plugin=False)
        python, env = self._python(opts, context)

        # The SDK reads its configuration from these variables (pulumi.runtime.get_config_env).
        # Key order is irrelevant to the reader; sorting matches Go's json.Marshal of a map.
        if request.config:
            env["PULUMI_CONFIG"] = json.dumps(
                dict(request.config), sort_keys=True, separators=(",", ":")
            )
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(
            list(request.configSecretKeys), separators=(",", ":")
        )

        if opts.typechecker is not TypeChecker.NONE:
            self._typecheck(opts, python, env, context)

        argv = [
            python,
            # Unbuffered, so that output printed before a cancellation is not lost (see
            # _terminate_then_kill) and reaches the user as it is printed.
            "-u",
            str(self._executor),
            *construct_arguments(request, self._engine_address, self._tracing),
        ]
        _LOG.debug("launching %s", argv)
        # The program writes straight to our stdout/stderr, which the engine reads and shows.
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            # A process group of its own: the engine stops a plugin by sending SIGINT to the
            # plugin's whole group, which would hit the program directly and bypass the quiet
            # stop above. Stopping the program is our job (Cancel, hang-up, our own shutdown).
            proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, process_group=0)
        except OSError as exc:
            return language_pb2.RunResponse(
                error=f"problem executing program (could not run language executor): {exc}"
            )
        with self._lock:
            self._children.add(proc)
        try:
            returncode = self._wait(proc, context)
        finally:
            with self._lock:
                self._children.discard(proc)
        return run_exit_response(returncode)

    def RunPlugin(
        self, request: language_pb2.RunPluginRequest, context: grpc.ServicerContext
    ) -> Iterator[language_pb2.RunPluginResponse]:
        if request.attach_debugger:
            context.abort(
                grpc.StatusCode.UNIMPLEMENTED,
                "this language host cannot attach a debugger to Python plugins",
            )
        info = request.info
        if not info.program_directory and request.program:
            # Old engines sent only the deprecated `program` (the plugin directory).
            info = language_pb2.ProgramInfo(
                root_directory=request.program, program_directory=request.program, entry_point="."
            )
        is_analyzer = request.kind == ANALYZER_KIND
        opts = self._options(info, context, is_plugin=not is_analyzer)
        python, _ = self._python(opts, context)
        env = merge_environment(self._environ, request.env, opts.virtualenv_path)
        try:
            command = plugin_command(
                python,
                kind=request.kind,
                plugin_dir=str(opts.program_dir),
                pwd=request.pwd,
                args=request.args,
            )
        except PluginError as exc:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        _LOG.debug(
            "RunPlugin %s (%s): %s in %s", request.name, request.kind, command.argv, command.cwd
        )
        try:
            # Its own process group, as for Run: stopping it is our job (see _wait).
            proc = subprocess.Popen(
                command.argv,
                cwd=command.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                process_group=0,
            )
        except OSError as exc:
            context.abort(
                grpc.StatusCode.UNKNOWN,
                f"problem executing plugin program (could not run language executor): {exc}",
            )
        with self._lock:
            self._children.add(proc)
        try:
            for item in stream_process(
                proc,
                should_stop=lambda: self._cancelled.is_set() or not context.is_active(),
                stop=lambda p: _terminate_then_kill(p, _CANCEL_GRACE_SECONDS),
                poll_seconds=_POLL_SECONDS,
            ):
                if isinstance(item, int):
                    yield language_pb2.RunPluginResponse(exitcode=exit_status(item))
                elif item[0] == "stdout":
                    yield language_pb2.RunPluginResponse(stdout=item[1])
                else:
                    yield language_pb2.RunPluginResponse(stderr=item[1])
        finally:
            with self._lock:
                self._children.discard(proc)
            if proc.poll() is None:
                # The engine stopped reading (the generator was closed): end the plugin too.
                _terminate_then_kill(proc, _CANCEL_GRACE_SECONDS)

    def InstallDependencies(
        self, request: language_pb2.InstallDependenciesRequest, context: grpc.ServicerContext
    ) -> Iterator[language_pb2.InstallDependenciesResponse]:
        def say(text: str) -> language_pb2.InstallDependenciesResponse:
            return language_pb2.InstallDependenciesResponse(stdout=text.encode())

        info = request.info
        if not info.program_directory and request.directory:
            info = language_pb2.ProgramInfo(
                root_directory=request.directory,
                program_directory=request.directory,
                entry_point=".",
            )
        opts = self._options(info, context, is_plugin=request.is_plugin)
        yield say("Installing dependencies...\n\n")
        python, env = self._python(opts, context)
        venv = opts.virtualenv_path
        if venv is not None:
            yield say(f"Using the existing virtual environment {venv}.\n")
        else:
            yield say(f"No virtualenv is configured in Pulumi.yaml; using {python}.\n")
        yield say(
            "This language host runs offline: it does not create virtual environments or run pip.\n"
        )
        try:
            has_pulumi = run_probe(python, HAS_MODULE_SCRIPT, env, ["pulumi"])
        except ProbeError as exc:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        requirements = opts.program_dir / "requirements.txt"
        install_hint = f"{python} -m pip install -r {requirements}"
        if has_pulumi is not True:
            context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"the pulumi package is not installed for {python}; run `{install_hint}`",
            )
        if requirements.is_file():
            yield say(f"To change the installed packages run: {install_hint}\n")
        yield say("Finished installing dependencies\n\n")

    def About(
        self, request: language_pb2.AboutRequest, context: grpc.ServicerContext
    ) -> language_pb2.AboutResponse:
        if request.HasField("info"):
            opts = self._options(request.info, context, is_plugin=False)
        else:
            # Old engines sent no program info; the Go host then describes the ambient python.
            cwd = Path.cwd()
            opts = PythonOptions(root=cwd, program_dir=cwd, toolchain=Toolchain.PIP)
        python, env = self._python(opts, context)
        try:
            about = run_probe(python, ABOUT_SCRIPT, env)
        except ProbeError as exc:
            context.abort(grpc.StatusCode.INTERNAL, str(exc))
        if not isinstance(about, dict):
            context.abort(grpc.StatusCode.INTERNAL, f"unexpected about output: {about!r}")
        return language_pb2.AboutResponse(
            executable=str(about.get("executable", python)),
            version=str(about.get("version", "")),
            metadata={
                "toolchain": "pip",
                "toolchainVersion": str(about.get("pip", "")),
                "typechecker": opts.typechecker.value,
            },
        )

    def GetProgramDependencies(
        self, request: language_pb2.GetProgramDependenciesRequest, context: grpc.ServicerContext
    ) -> language_pb2.GetProgramDependenciesResponse:
        opts = self._options(request.info, context, is_plugin=False)
        python, env = self._python(opts, context)
        # Same listing as the Go host (`pip list`); the version check is disabled because it
        # would try to reach PyPI.
        args: Sequence[str] = [
            python,
            "-m",
            "pip",
            "list",
            "--format",
            "json",
            "--disable-pip-version-check",
        ]
        if not request.transitiveDependencies:
            args = [*args, "--not-required"]
        completed = subprocess.run(
            args,
            env={**env, "PIP_NO_INPUT": "1"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            context.abort(
                grpc.StatusCode.INTERNAL,
                f"failed to get python dependencies: {completed.stderr.strip()}",
            )
        try:
            listed = json.loads(completed.stdout)
        except json.JSONDecodeError:
            context.abort(
                grpc.StatusCode.INTERNAL, f"unexpected pip list output: {completed.stdout!r}"
            )
        dependencies = [
            language_pb2.DependencyInfo(
                name=_normalize_package_name(str(item.get("name", ""))),
                version=str(item.get("version", "")),
            )
            for item in listed
            if isinstance(item, dict)
        ]
        return language_pb2.GetProgramDependenciesResponse(dependencies=dependencies)

    def Cancel(self, request: object, context: grpc.ServicerContext) -> object:
        self._cancelled.set()
        return _empty_pb2.Empty()
