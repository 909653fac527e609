"""Arguments whose value the CLI itself opens as a local path (AWS-CLI.md §3.2–§3.4).

Paramfile prefixes (file://, fileb://), streaming blobs and blob members are
derived from the CLI and botocore by dump_cli_model.py. What cannot be derived
is which *custom* argument a command opens as a plain path: that is listed here,
from reading each command's implementation in awscli/customizations. The dumper
fails if an entry no longer matches an argument of the installed CLI.

Kinds: 'r' read, 'w' written, 'rw' read then written, 'rt' a directory tree (or a
file plus every artifact it references) that is read, 's3' the s3 cp/mv/sync
`paths` (local unless it starts with s3://; `-` is stdin/stdout for cp), 'of' the
positional outfile of a streaming-output operation (written).
"""

# By the class of the argument object the CLI adds (any command that uses it).
CLASS_PATHS = {
    'awscli.customizations.streamingoutputarg.StreamingOutputArgument': 'of',
    'awscli.customizations.s3events.S3SelectStreamOutputArgument': 'w',
    'awscli.customizations.arguments.QueryOutFileArgument': 'w',
    'awscli.customizations.iamvirtmfa.FileArgument': 'w',
    'awscli.customizations.ec2.decryptpassword.LaunchKeyArgument': 'r',
}

# By command lineage + argument name; '*' matches any one command name.
CUSTOM_PATHS = {
    ('s3', 'cp', 'paths'): 's3',
    ('s3', 'mv', 'paths'): 's3',
    ('s3', 'sync', 'paths'): 's3',
    # package reads the template and every local artifact path inside it.
    ('cloudformation', 'package', 'template-file'): 'rt',
    ('cloudformation', 'package', 'output-template-file'): 'w',
    ('cloudformation', 'deploy', 'template-file'): 'r',
    # codedeploy's commands also attach under every command named `deploy` (event name collision).
    ('deploy', 'push', 'source'): 'rt',
    ('*', 'deploy', 'push', 'source'): 'rt',
    ('deploy', 'install', 'config-file'): 'r',
    ('*', 'deploy', 'install', 'config-file'): 'r',
    ('ecs', 'deploy', 'task-definition'): 'r',
    ('ecs', 'deploy', 'codedeploy-appspec'): 'r',
    ('eks', 'update-kubeconfig', 'kubeconfig'): 'rw',
    ('emr', 'ssh', 'key-pair-file'): 'r',
    ('emr', 'socks', 'key-pair-file'): 'r',
    ('emr', 'get', 'key-pair-file'): 'r',
    ('emr', 'get', 'dest'): 'w',
    ('emr', 'put', 'key-pair-file'): 'r',
    ('emr', 'put', 'src'): 'r',
    ('gamelift', 'upload-build', 'build-root'): 'rt',
    ('gamelift', 'get-game-session-log', 'save-as'): 'w',
    ('servicecatalog', 'generate', 'product', 'file-path'): 'r',
    ('servicecatalog', 'generate', 'provisioning-artifact', 'file-path'): 'r',
}
