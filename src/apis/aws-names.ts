/**
 * Names and characters AWS (and MySQL on Aurora) refuse, as data for the XRD's rules. Each list
 * names its source; tests read these lists only to build fixtures, never to judge them.
 */

/**
 * MySQL 8.0 reserved words (the words marked (R) in the MySQL 8.0 Reference Manual, "Keywords
 * and Reserved Words", https://dev.mysql.com/doc/refman/8.0/en/keywords.html). Aurora MySQL 3
 * is MySQL 8.0 compatible; RDS refuses them as master user name and initial database name
 * ("can't be a word reserved by the database engine"), case-insensitively, as MySQL does.
 */
export const MYSQL_RESERVED_WORDS: readonly string[] = `
accessible add all alter analyze and as asc asensitive before between bigint binary blob both by
call cascade case change char character check collate column condition constraint continue convert
create cross cube cume_dist current_date current_time current_timestamp current_user cursor database
databases day_hour day_microsecond day_minute day_second dec decimal declare default delayed delete
dense_rank desc describe deterministic distinct distinctrow div double drop dual each else elseif
empty enclosed escaped except exists exit explain false fetch first_value float float4 float8 for
force foreign from fulltext function generated get grant group grouping groups having high_priority
hour_microsecond hour_minute hour_second if ignore in index infile inner inout insensitive insert int
int1 int2 int3 int4 int8 integer intersect interval into io_after_gtids io_before_gtids is iterate
join json_table key keys kill lag last_value lateral lead leading leave left like limit linear lines
load localtime localtimestamp lock long longblob longtext loop low_priority master_bind
master_ssl_verify_server_cert match maxvalue mediumblob mediumint mediumtext middleint
minute_microsecond minute_second mod modifies natural not no_write_to_binlog nth_value ntile null
numeric of on optimize optimizer_costs option optionally or order out outer outfile over partition
percent_rank precision primary procedure purge range rank read reads read_write real recursive
references regexp release rename repeat replace require resignal restrict return revoke right rlike
row rows row_number schema schemas second_microsecond select sensitive separator set show signal
smallint spatial specific sql sqlexception sqlstate sqlwarning sql_big_result sql_calc_found_rows
sql_small_result ssl starting stored straight_join system table terminated then tinyblob tinyint
tinytext to trailing trigger true undo union unique unlock unsigned update usage use using utc_date
utc_time utc_timestamp values varbinary varchar varcharacter varying virtual when where while window
with write xor year_month zerofill`
  .trim()
  .split(/\s+/);

/**
 * Master user names RDS refuses besides the reserved words (its own accounts and MySQL's), plus
 * the platform's own refusal of the well-known defaults (`admin`, `root`) that attackers try first.
 */
export const RESERVED_MASTER_USERNAMES: readonly string[] = ['admin', 'root', 'rdsadmin', 'rdsrepladmin', 'mysql'];

/** Schemas MySQL creates itself: an initial database cannot take their names. */
export const SYSTEM_SCHEMAS: readonly string[] = ['mysql', 'sys', 'information_schema', 'performance_schema'];

/**
 * Characters of tag keys and values: what S3, RDS and ELB all accept, `^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`
 * (RDS "Tagging Amazon RDS resources", S3 "Tagging", ELB "Tags for your Application Load
 * Balancer"). Written without `\p{...}` so that the API server (RE2) and the offline validator
 * (JavaScript) read it alike: ASCII letters, digits, space and `_ . : / = + - @`, and any
 * character of the Basic Multilingual Plane from U+00A0 on (Unicode letters, digits and spaces;
 * other such symbols are not caught; C1 controls and U+FFFE/U+FFFF are out, which YAML also refuses). Characters beyond U+FFFF (emoji) are refused by both: RE2
 * reads them as one rune outside the ranges, JavaScript as a surrogate pair outside them. The
 * ranges are literal characters (RE2 has no \u escape) and positive (generators such as
 * fast-check's stringMatching cannot enumerate a negated class).
 */
export const TAG_CHARACTERS = '^([A-Za-z0-9 _.:/=+@-]|[\u00a0-\ud7ff\ue000-\ufffd])*$';

/**
 * Bucket-name prefixes S3 reserves (S3 User Guide, "General purpose bucket naming rules",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): `xn--`,
 * `sthree-` (and `sthree-configurator`), `amzn-s3-demo-`. The reserved suffixes (`-s3alias`,
 * `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`) cannot occur: every bucket name ends in `-<8 hex
 * digits of metadata.uid>`. `xn--` cannot occur either: metadata.name has no double hyphen.
 */
export const S3_RESERVED_PREFIXES: readonly string[] = ['xn--', 'sthree-', 'amzn-s3-demo-'];

/** Every Crossplane management-policy set crossplane-runtime v2 accepts, besides the empty one (pause). */
export const SUPPORTED_MANAGEMENT_POLICIES: readonly (readonly string[])[] = [
  ['*'],
  ['Observe', 'Create', 'Update', 'LateInitialize', 'Delete'],
  ['Observe'],
  ['Observe', 'Create', 'Update', 'Delete'],
  ['Observe', 'Create', 'Update', 'LateInitialize'],
  ['Observe', 'Create', 'Update'],
  ['Observe', 'Create', 'Delete', 'LateInitialize'],
  ['Observe', 'Create', 'LateInitialize'],
  ['Observe', 'Create', 'Delete'],
  ['Observe', 'Create'],
  ['Observe', 'Delete'],
  ['Observe', 'Update'],
  ['Observe', 'LateInitialize'],
  ['Observe', 'Update', 'LateInitialize'],
];
