"""Ask the real AWS CLI how it parses command lines, without calling AWS.

Reads one JSON array of argv strings per line on stdin and writes one JSON
object per line on stdout: the CLI's exit code and stderr for parse errors,
the command lineage it dispatched to, the API operation it would call, the
parsed option values, and every local file or URL its parameter loading
would read. Each command line runs in a forked child of one warmed-up CLI
driver, so no state leaks between lines and nothing is sent anywhere:
API calls, waiters, help rendering, paramfile and URL loading are replaced
by recorders. Used by packages/shared/test to check the parser against the
real CLI (the "oracle").
"""
import copy
import gc
import io
import logging
import json
import os
import sys

for _name in list(os.environ):
    if _name.startswith('AWS_'):
        del os.environ[_name]
os.environ['AWS_CONFIG_FILE'] = os.devnull
os.environ['AWS_SHARED_CREDENTIALS_FILE'] = os.devnull
os.environ['AWS_ACCESS_KEY_ID'] = 'AKIDORACLEORACLEORAC'
os.environ['AWS_SECRET_ACCESS_KEY'] = 'oracle'
# As on a broker (DESIGN §5): no pager. (--v2-debug would otherwise warn about it.)
os.environ['AWS_PAGER'] = ''
# The CLI names its parsers after argv[0]; the broker runs it as `aws`.
sys.argv[0] = 'aws'

from awscli import clidriver, paramfile  # noqa: E402
from awscli.clidriver import CLIOperationCaller, ServiceCommand, ServiceOperation  # noqa: E402
from awscli.customizations import commands as custom_commands  # noqa: E402
from awscli.customizations.commands import BasicCommand  # noqa: E402
from awscli.help import HelpCommand  # noqa: E402

RECORD = {}
# Container commands whose own _run_main only reports a missing subcommand.
NEEDS_SUBCOMMAND = {'S3', 'WaitCommand', 'HistoryCommand', 'CodeCommitCommand', 'GenerateCommand'}


def plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return repr(value)


def fake_file(prefix, path, mode):
    RECORD.setdefault('files', []).append([prefix, path[len(prefix):]])
    return b'{}' if 'b' in mode else '{}'


def fake_uri(prefix, uri):
    RECORD.setdefault('urls', []).append(uri)
    return 'fetched'


def install_recorders():
    # --debug would log to stderr; what it logs is not the parse, so keep stderr to the CLI's own messages.
    import botocore.session
    botocore.session.Session.set_stream_logger = lambda self, *args, **kwargs: None
    paramfile.LOCAL_PREFIX_MAP['file://'] = (fake_file, {'mode': 'r'})
    paramfile.LOCAL_PREFIX_MAP['fileb://'] = (fake_file, {'mode': 'rb'})
    paramfile.REMOTE_PREFIX_MAP['http://'] = (fake_uri, {})
    paramfile.REMOTE_PREFIX_MAP['https://'] = (fake_uri, {})

    original_top = clidriver.CLIDriver._handle_top_level_args

    def handle_top_level_args(self, args, remaining):
        RECORD['globals'] = {k: plain(v) for k, v in vars(args).items()}
        return original_top(self, args, remaining)

    clidriver.CLIDriver._handle_top_level_args = handle_top_level_args

    original_build = ServiceOperation._build_call_parameters

    def build_call_parameters(self, args, arg_table, parsed_globals):
        RECORD['kind'] = 'op'
        RECORD['lineage'] = self.lineage_names
        RECORD['api'] = self._operation_model.name
        RECORD['args'] = {k: plain(v) for k, v in vars(args).items() if v is not None}
        try:
            return original_build(self, args, arg_table, parsed_globals)
        except Exception as e:  # the value failed the CLI's own checks after parsing
            RECORD['paramError'] = str(e)
            raise

    ServiceOperation._build_call_parameters = build_call_parameters

    # operation-args-parsed is emitted right after the operation's own parse and unknown-option check:
    # whatever fails after it (pagination conflicts, bad values) is not grammar.
    original_emit = ServiceOperation._emit

    def emit(self, name, **kwargs):
        if name.startswith('operation-args-parsed.'):
            RECORD['kind'] = 'op'
            RECORD['lineage'] = self.lineage_names
            RECORD['api'] = self._operation_model.name
        return original_emit(self, name, **kwargs)

    ServiceOperation._emit = emit

    def invoke(self, service_name, operation_name, parameters, parsed_globals):
        RECORD['invoked'] = operation_name
        return 0

    CLIOperationCaller.invoke = invoke
    from awscli.customizations import waiters, sessionmanager
    from awscli.customizations.ecs import executecommand
    waiters.WaiterCaller.invoke = invoke
    sessionmanager.StartSessionCaller.invoke = invoke
    executecommand.ExecuteCommandCaller.invoke = invoke

    from awscli.customizations import generatecliskeleton

    def skeleton(self, call_parameters, parsed_args, parsed_globals, **kwargs):
        if getattr(parsed_args, 'generate_cli_skeleton', None):
            RECORD['skeleton'] = parsed_args.generate_cli_skeleton
            return 0

    generatecliskeleton.GenerateCliSkeletonArgument.generate_json_skeleton = skeleton

    def run_main(self, parsed_args, parsed_globals):
        if type(self).__name__ in NEEDS_SUBCOMMAND:
            return ORIGINAL_RUN_MAIN[type(self)](self, parsed_args, parsed_globals)
        RECORD['kind'] = 'custom'
        RECORD['lineage'] = self.lineage_names
        RECORD['args'] = {k: plain(v) for k, v in vars(parsed_args).items() if v is not None}
        return 0

    for cls in all_subclasses(BasicCommand):
        if '_run_main' in vars(cls):
            ORIGINAL_RUN_MAIN[cls] = cls._run_main
            cls._run_main = run_main
    # BasicCommand.__call__ unpacks values right after its parse: record that the parse got that far.
    original_call = BasicCommand.__call__

    def basic_call(self, args, parsed_globals):
        CURRENT[:] = [self]
        return original_call(self, args, parsed_globals)

    original_unpack = custom_commands.unpack_argument

    def unpack(session, service_name, operation_name, cli_argument, value, parsed_globals):
        if CURRENT:
            RECORD['customParsed'] = CURRENT[0].lineage_names
        return original_unpack(session, service_name, operation_name, cli_argument, value, parsed_globals)

    BasicCommand.__call__ = basic_call
    custom_commands.unpack_argument = unpack
    custom_commands.unpack_cli_arg = lambda argument, value: value
    BasicCommand._validate_value_against_schema = lambda self, model, value: None

    def help_call(self, args, parsed_globals):
        if args and self.subcommand_table:
            parser = custom_commands.ArgTableArgParser({}, self.subcommand_table)
            parsed, remaining = parser.parse_known_args(args)
            if getattr(parsed, 'subcommand', None) is not None:
                return self.subcommand_table[parsed.subcommand](remaining, parsed_globals)
        RECORD['kind'] = 'help'
        return 0

    HelpCommand.__call__ = help_call
    BasicCommand._display_help = lambda self, parsed_args, parsed_globals: RECORD.update(kind='help')


ORIGINAL_RUN_MAIN = {}
CURRENT = []


def all_subclasses(cls):
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(all_subclasses(sub))
    return out


class Snapshot:
    """What one CLI run leaves behind in the process, so the next line starts clean without a fork.

    A run registers event handlers (OverrideRequiredArgsArgument, after-call savers), mutates the
    `required` flags of the cached operation's arguments, and sets session variables (--region,
    --profile) and loggers (--debug). We put all of that back after each line.
    """

    def __init__(self, driver):
        self.driver = driver
        emitter = driver.session._original_handler
        self.handlers = copy.copy(emitter._handlers)
        self.unique = dict(emitter._unique_id_handlers)
        self.session_vars = dict(driver.session._session_instance_vars)
        self.loggers = {name: list(logging.getLogger(name).handlers) for name in LOGGERS}
        # Some handlers append to a command class's ARG_TABLE on every run (s3 sync strategies).
        self.arg_tables = {cls: list(cls.ARG_TABLE) for cls in all_subclasses(BasicCommand)}

    def restore(self, used_command):
        emitter = self.driver.session._original_handler
        emitter._handlers = copy.copy(self.handlers)
        emitter._unique_id_handlers = dict(self.unique)
        emitter._lookup_cache = {}
        self.driver.session._session_instance_vars = dict(self.session_vars)
        for name, handlers in self.loggers.items():
            logging.getLogger(name).handlers = list(handlers)
        for cls, table in self.arg_tables.items():
            cls.ARG_TABLE[:] = table
        cmd = self.driver._get_command_table().get(used_command)
        if isinstance(cmd, ServiceCommand):
            for op in cmd._get_command_table().values():
                if isinstance(op, ServiceOperation):
                    op._arg_table = None
                elif isinstance(op, BasicCommand):
                    op._arg_table = None
                    op._subcommand_table = None


LOGGERS = ('botocore', 'awscli', 's3transfer', 'urllib3')


def run_one(driver, argv):
    RECORD.clear()
    CURRENT.clear()
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        rc = driver.main(argv)
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    result = {'rc': rc, 'stderr': err.getvalue(), 'stdout': out.getvalue()[:2000]}
    result.update(RECORD)
    return result


def main():
    # create_clidriver imports every customization (all BasicCommand subclasses) before we patch.
    driver = clidriver.create_clidriver()
    for cmd in driver._get_command_table().values():
        if isinstance(cmd, ServiceCommand):
            cmd._get_command_table()
    install_recorders()
    # Objects that live as long as the parent are never collected: keep the collector off their pages so
    # forked children share them instead of copying them.
    gc.freeze()
    fork = os.environ.get('ORACLE_FORK') == '1'
    snapshot = Snapshot(driver)
    for line in sys.stdin:
        if not line.strip():
            continue
        argv = json.loads(line)
        payload = run_forked(driver, argv) if fork else run_in_process(driver, argv, snapshot)
        sys.stdout.write(payload + '\n')
        sys.stdout.flush()


def run_in_process(driver, argv, snapshot):
    try:
        result = run_one(driver, argv)
    except BaseException as e:  # report, never stop the batch
        result = {'rc': -1, 'crash': repr(e)}
    snapshot.restore((RECORD.get('globals') or {}).get('command') or (argv[0] if argv else None))
    for cmd in driver._get_command_table().values():
        if isinstance(cmd, BasicCommand):
            cmd._arg_table = None
            cmd._subcommand_table = None
    return json.dumps(result)


def run_forked(driver, argv):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            payload = json.dumps(run_one(driver, argv))
        except BaseException as e:  # report, never hang the parent
            payload = json.dumps({'rc': -1, 'crash': repr(e)})
        with os.fdopen(write_fd, 'w') as w:
            w.write(payload)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as r:
        payload = r.read()
    os.waitpid(pid, 0)
    return payload


if __name__ == '__main__':
    main()
