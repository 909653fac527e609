"""Dump the installed AWS CLI's own command and argument tables as JSON (stdout).

Walks the real CLI (awscli.clidriver.create_clidriver()) and builds, for every
command, the argparse parser exactly as the CLI builds it at run time, then
records that parser's actions: every option string, nargs, action, type,
choices and required flag come from the CLI, never from a name conversion.
botocore's service models add the API name, HTTP binding, pagination,
waiters, blob members and `"sensitive": true` output members.

The output is consumed by scripts/generate-aws-model.mjs, which splits and
interns it into packages/shared/model/. Progress goes to stderr.

Run with the Python that imports awscli (the real `aws` script's interpreter).
"""
import argparse
import json
import os
import sys
import time

# The CLI must not read any user configuration while we walk it: no plugins,
# no aliases, no [preview] sections, no api_versions pins.
for _name in list(os.environ):
    if _name.startswith('AWS_'):
        del os.environ[_name]
os.environ['AWS_CONFIG_FILE'] = os.devnull
os.environ['AWS_SHARED_CREDENTIALS_FILE'] = os.devnull
os.environ['AWS_DEFAULT_REGION'] = 'us-east-1'

import awscli  # noqa: E402
import botocore  # noqa: E402
from awscli.argparser import ArgTableArgParser, MainArgParser  # noqa: E402
from awscli.clidriver import (  # noqa: E402
    ServiceCommand,
    ServiceOperation,
    create_clidriver,
)
from awscli.customizations.commands import BasicCommand  # noqa: E402
from awscli.argprocess import ParamShorthandParser, _supports_shorthand_syntax  # noqa: E402
from awscli.utils import find_service_and_method_in_event_name  # noqa: E402
from awscli.paramfile import PARAMFILE_DISABLED  # noqa: E402
from botocore import xform_name  # noqa: E402

from local_paths import CLASS_PATHS, CUSTOM_PATHS  # noqa: E402

STORE_ACTIONS = {
    argparse._StoreAction: None,
    argparse._StoreTrueAction: 't',
    argparse._StoreFalseAction: 'f',
    argparse._StoreConstAction: 'c',
    argparse._VersionAction: 'v',
    argparse._AppendAction: 'ap',
}
CUSTOM_PATHS_BY_ARG = {}
for _pattern, _kind in CUSTOM_PATHS.items():
    CUSTOM_PATHS_BY_ARG.setdefault(_pattern[-1], []).append((_pattern, _kind))
TYPES = {None: None, str: None, bool: None, int: 'i', float: 'f'}


def squash(name):
    return name.replace('-', '').replace('_', '').lower()


def log(msg):
    sys.stderr.write(msg + '\n')
    sys.stderr.flush()


def fail(msg):
    raise SystemExit('dump_cli_model: ' + msg)


def class_name(obj):
    cls = type(obj)
    return cls.__module__ + '.' + cls.__name__


def short_class_name(obj):
    return class_name(obj).replace('awscli.customizations.', '')


def action_kind(action, where):
    for cls, kind in STORE_ACTIONS.items():
        if type(action) is cls:
            return kind
    if type(action).__name__ == 'CommandAction':
        return 'command'
    if class_name(action) == 'awscli.customizations.s3.utils.AppendFilter':
        # s3 --include/--exclude: every occurrence is kept, in order.
        return 'ap'
    fail(f'{where}: unsupported argparse action {type(action).__name__}')


def describe_action(action, where):
    """The argparse facts the TypeScript parser needs for one action."""
    kind = action_kind(action, where)
    opt = {}
    if action.option_strings:
        if len(action.option_strings) != 1 or not action.option_strings[0].startswith('--'):
            fail(f'{where}: unexpected option strings {action.option_strings}')
        opt['n'] = action.option_strings[0][2:]
    else:
        # argparse names a positional by metavar, else dest (_get_action_name).
        opt['n'] = action.metavar if action.metavar is not None else action.dest
        opt['p'] = 1
    if kind:
        opt['a'] = kind
    if action.nargs is not None and kind not in ('t', 'f', 'c', 'v'):
        opt['m'] = action.nargs
    if action.required:
        opt['r'] = 1
    if action.type not in TYPES:
        fail(f'{where}: unsupported argparse type {action.type!r}')
    if TYPES[action.type]:
        opt['t'] = TYPES[action.type]
    if action.choices is not None and kind != 'command':
        opt['c'] = list(action.choices)
    if kind == 'c':
        opt['k'] = action.const
    if action.nargs == '?' and action.option_strings and action.const is not None:
        opt['k'] = action.const
    return opt


def parser_actions(parser, where):
    """The parser's actions in argparse's `_actions` order (which decides the order of
    "the following arguments are required" and of positional consumption).

    Options must also be in `_option_string_actions` order, the order argparse lists
    an ambiguous prefix's matches in; with conflict_handler 'resolve' the two could
    differ, and then the model would be wrong, so we stop.
    """
    options = [a for a in parser._actions if a.option_strings]
    string_order = []
    for action in parser._option_string_actions.values():
        if action not in string_order:
            string_order.append(action)
    if options != string_order:
        fail(f'{where}: option order differs between _actions and _option_string_actions')
    return list(parser._actions)


def shape_is_streaming_blob(shape):
    return shape is not None and shape.type_name == 'blob' and bool(shape.serialization.get('streaming'))


def sensitive_graph(shapes):
    """The part of a service's shape graph that leads to `"sensitive": true` shapes.

    {shape: {'m': {member: ref}} | {'l': ref} | {'v': ref}} where ref is a shape name in
    the graph, or 1 for a sensitive shape. Paths would explode where output shapes
    nest and repeat (quicksight: thousands of paths per operation); the graph is the
    same facts, shared. Member traits never carry `sensitive` in botocore's models,
    so shape-level flags are the whole story.
    """
    def children(shape):
        if shape.get('type') == 'structure':
            return [(name, ref['shape']) for name, ref in shape.get('members', {}).items()]
        if shape.get('type') == 'list':
            return [('l', shape['member']['shape'])]
        if shape.get('type') == 'map':
            return [('v', shape['value']['shape'])]
        return []

    parents = {}
    for name, shape in shapes.items():
        for _, child in children(shape):
            parents.setdefault(child, set()).add(name)
    reaching = set()
    queue = [name for name, shape in shapes.items() if shape.get('sensitive')]
    while queue:
        name = queue.pop()
        for parent in parents.get(name, ()):
            if parent not in reaching and not shapes[parent].get('sensitive'):
                reaching.add(parent)
                queue.append(parent)

    def ref(name):
        return 1 if shapes[name].get('sensitive') else name

    graph = {}
    for name in sorted(reaching):
        shape = shapes[name]
        kept = [(key, child) for key, child in children(shape) if shapes[child].get('sensitive') or child in reaching]
        if shape['type'] == 'structure':
            graph[name] = {'m': {key: ref(child) for key, child in kept}}
        else:
            key, child = kept[0]
            graph[name] = {key: ref(child)}
    return graph


def reachable_graph(root, graph):
    """Only the graph entries reachable from this command's operation outputs."""
    queue, seen = [], set()

    def visit(node):
        if isinstance(node.get('so'), str):
            queue.append(node['so'])
        for child in node.get('s', {}).values():
            visit(child)

    visit(root)
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        entry = graph[name]
        refs = entry['m'].values() if 'm' in entry else entry.values()
        queue.extend(r for r in refs if isinstance(r, str))
    return {name: graph[name] for name in sorted(seen)}


def sensitive_root(operation_model, graph, shapes):
    output = operation_model.output_shape
    if output is None:
        return None
    if shapes[output.name].get('sensitive'):
        return 1
    return output.name if output.name in graph else None


def own_argument(arg_table, action):
    """The CLI argument object that added this argparse action (by option string or positional name)."""
    wanted = action.option_strings[0] if action.option_strings else None
    for arg in arg_table.values():
        if wanted is not None and arg.cli_name == wanted:
            return arg
        if wanted is None and getattr(arg, 'positional_arg', False) is not False and arg.name == action.dest:
            return arg
        if wanted is None and arg.cli_name == action.dest:
            return arg
    return None


SHORTHAND = ParamShorthandParser()


class Walker:
    def __init__(self, session):
        self.session = session
        self.custom_paths_used = set()
        self.graphs = {}
        self.used_graphs = set()
        self.ops = 0

    def old_list_case(self, arg):
        """ParamShorthandParser._handle_special_cases: some list arguments skip shorthand parsing."""
        model = arg.argument_model
        operation_model = getattr(arg, '_operation_model', None)
        if operation_model is None or model.type_name != 'list' or model.member.type_name != 'structure':
            return False
        if len(model.member.members) != 1:
            return False
        service = operation_model.service_model.service_name
        event = self.session._events._alias_event_name(
            f'process-cli-arg.{service}.{xform_name(operation_model.name, "-")}')
        service_id, operation = find_service_and_method_in_event_name(event)
        return SHORTHAND._uses_old_list_case(service_id, operation, arg.name)

    def option_facts(self, opt, arg, loads_paramfile, lineage):
        """File semantics of one option/positional, from its CLI argument object."""
        if not loads_paramfile:
            opt['np'] = 1
        if arg is None:
            return opt
        model = getattr(arg, 'argument_model', None)
        if shape_is_streaming_blob(model) and type(arg).__name__ in ('CLIArgument',):
            opt['sb'] = 1
        elif model is not None and model.type_name == 'blob':
            opt['bl'] = 1
        if model is not None and _supports_shorthand_syntax(model) and not self.old_list_case(arg):
            # Shorthand values are parsed, and `key@=file://…` loads a file inside them.
            opt['sh'] = 1
        member = getattr(arg, '_serialized_name', None)
        if isinstance(member, str) and squash(member) != squash(arg.name) and not opt.get('p'):
            # argrename and custom arguments: the API member the option fills is not its own name.
            opt['mb'] = member
        kind = CLASS_PATHS.get(class_name(arg))
        if kind == 'of':
            opt['of'] = 1
        elif kind:
            opt['lp'] = kind
        key = (*lineage, arg.name)
        for pattern, kind in CUSTOM_PATHS_BY_ARG.get(arg.name, ()):
            if len(pattern) == len(key) and all(p in ('*', k) for p, k in zip(pattern, key)):
                opt['lp'] = kind
                self.custom_paths_used.add(pattern)
        if type(arg).__name__ == 'GenerateCliSkeletonArgument':
            opt['or'] = 2
        elif hasattr(arg, 'override_required_args'):
            opt['or'] = 1
        return opt

    def operation(self, op, lineage):
        """A ServiceOperation (API call or waiter): ArgTableArgParser + the `help` positional."""
        where = ' '.join(lineage)
        arg_table = op.arg_table
        parser = ArgTableArgParser(arg_table)
        actions = parser_actions(parser, where)
        model = op._operation_model
        service_model = model.service_model
        endpoint_prefix = service_model.endpoint_prefix
        by_py_name = {}
        for arg in arg_table.values():
            by_py_name.setdefault(arg.py_name, arg)
        # The load-cli-arg event is named <endpointPrefix>.<op>.<arg> (ServiceOperation._unpack_arg).
        qualified_op = f'{endpoint_prefix}.{xform_name(op.name, "-")}'
        opts = []
        for action in actions:
            opt = describe_action(action, where)
            # The value under this dest is unpacked through the argument whose py_name is the dest.
            arg = by_py_name.get(action.dest)
            loads = arg is not None and not (
                f'{qualified_op}.{arg.name}' in PARAMFILE_DISABLED or getattr(arg, 'no_paramfile', None)
            )
            self.option_facts(opt, own_argument(arg_table, action), loads, lineage)
            opts.append(opt)
        node = {'k': 'op', 'a': model.name}
        http = model.http or {}
        if http.get('method') or http.get('requestUri'):
            node['h'] = f"{http.get('method', '')} {http.get('requestUri', '')}".strip()
        node['o'] = opts
        if any(o['n'] == 'starting-token' and not o.get('p') for o in opts):
            node['pg'] = 1
        if type(op).__name__ != 'WaiterStateCommand':
            shapes = service_model._service_description['shapes']
            if service_model.service_name not in self.graphs:
                self.graphs[service_model.service_name] = sensitive_graph(shapes)
            graph = self.graphs[service_model.service_name]
            sens = sensitive_root(model, graph, shapes)
            if sens is not None:
                node['so'] = sens
                self.used_graphs.add(service_model.service_name)
        if type(op).__name__ == 'WaiterStateCommand':
            node['w'] = op._operation_caller._waiter_name
        elif type(op) is not ServiceOperation:
            node['x'] = short_class_name(op)
        self.ops += 1
        return node

    def basic(self, cmd, lineage):
        """A BasicCommand: ArgTableArgParser(arg_table, subcommand_table)."""
        where = ' '.join(lineage)
        # BasicCommand.__call__ builds the subcommand table first: its building-command-table event is
        # what adds arguments to some commands (s3 sync's --delete, --size-only, --exact-timestamps).
        subcommands = cmd._subcommand_table = cmd._build_subcommand_table()
        arg_table = cmd._arg_table = cmd._build_arg_table()
        parser = ArgTableArgParser(arg_table, subcommands)
        actions = parser_actions(parser, where)
        command_positionals = [a for a in actions if type(a).__name__ == 'CommandAction']
        actions = [a for a in actions if type(a).__name__ != 'CommandAction']
        if command_positionals and any(not a.option_strings for a in actions):
            fail(f'{where}: subcommands and positionals together are not modelled')
        opts = []
        for action in actions:
            opt = describe_action(action, where)
            # BasicCommand.__call__ unpacks every parsed dest through load-cli-arg.custom.<NAME>.<arg>.
            arg = arg_table.get(action.dest.replace('_', '-'))
            name = arg.name if arg is not None else 'anonymous'
            loads = not (f'custom.{cmd.name}.{name}' in PARAMFILE_DISABLED or getattr(arg, 'no_paramfile', None))
            self.option_facts(opt, own_argument(arg_table, action), loads, lineage)
            opts.append(opt)
        node = {'k': 'cmd', 'o': opts}
        if command_positionals:
            node['s'] = {}
            for name, sub in subcommands.items():
                node['s'][name] = self.command(sub, lineage + [name])
        node['x'] = short_class_name(cmd)
        return node

    def service(self, cmd, lineage):
        table = cmd._get_command_table()
        return {'k': 'svc', 's': {name: self.command(sub, lineage + [name]) for name, sub in table.items()}}

    def command(self, cmd, lineage):
        if isinstance(cmd, ServiceCommand):
            return self.service(cmd, lineage)
        if isinstance(cmd, ServiceOperation):
            return self.operation(cmd, lineage)
        if isinstance(cmd, BasicCommand):
            return self.basic(cmd, lineage)
        fail(f'{" ".join(lineage)}: unsupported command class {class_name(cmd)}')


def global_options(driver, table):
    parser = MainArgParser(table, driver.session.user_agent(), None, driver._get_argument_table(), prog='aws')
    actions = parser_actions(parser, 'aws')
    if [a.dest for a in actions if not a.option_strings] != ['command'] or actions[-1].option_strings:
        fail('main parser: expected the command positional last')
    return [describe_action(a, 'aws') for a in actions[:-1]]


def main():
    started = time.time()
    driver = create_clidriver()
    table = driver._get_command_table()
    walker = Walker(driver.session)
    commands = []
    for index, (name, cmd) in enumerate(table.items()):
        entry = {'n': name}
        if isinstance(cmd, ServiceCommand):
            service_model = cmd._get_service_model()
            entry['svc'] = service_model.service_name
            entry['sid'] = service_model.service_id
            entry['sn'] = service_model.signing_name
            entry['ep'] = service_model.endpoint_prefix
            entry['pr'] = service_model.metadata.get('protocol')
        if type(cmd).__name__ == 'PreviewCommand':
            # Refused with an opt-in message unless `[preview] <name> = true` is configured (never on a broker).
            entry['pv'] = 1
        entry['root'] = walker.command(cmd, [name])
        if isinstance(cmd, ServiceCommand) and service_model.service_name in walker.used_graphs:
            entry['sg'] = reachable_graph(entry['root'], walker.graphs[service_model.service_name])
        commands.append(entry)
        if index % 40 == 0:
            log(f'  {index + 1}/{len(table)} commands, {walker.ops} operations, {time.time() - started:.1f}s')
    unused = set(CUSTOM_PATHS) - walker.custom_paths_used
    if unused:
        fail(f'local_paths.CUSTOM_PATHS entries match no argument: {sorted(unused)}')
    out = {
        'cli': awscli.__version__,
        'botocore': botocore.__version__,
        'python': '.'.join(map(str, sys.version_info[:3])),
        'globals': global_options(driver, table),
        # `aws help <topic>`: the provider help's own subcommand table.
        'helpTopics': list(driver.create_help_command().subcommand_table),
        'commands': commands,
    }
    log(f'walked {len(commands)} commands, {walker.ops} operations in {time.time() - started:.1f}s')
    json.dump(out, sys.stdout, separators=(',', ':'))


if __name__ == '__main__':
    main()
