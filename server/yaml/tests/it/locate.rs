//! `File::locate`: what the cursor (`$0`) is on, while the user types.

use expect_test::expect;

use crate::support::check;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          ports:
            - containerPort: 80
            - containerPort: 443
              protocol: T$0CP
";

#[test]
fn value_deep_in_lists() {
    check(
        DEPLOYMENT,
        expect![[r#"
        doc 0 kind=Deployment api=apps/v1 unit=2
        path spec.template.spec.containers[0].ports[1].protocol
        Value plain "TCP" 245..248 raw="TCP"
        siblings containerPort
    "#]],
    );
}

#[test]
fn key_in_list_item() {
    check(
        &DEPLOYMENT.replace("T$0CP", "TCP").replace("- name: app", "- na$0me: app"),
        expect![[r#"
        doc 0 kind=Deployment api=apps/v1 unit=2
        path spec.template.spec.containers[0].name
        Key "name" 129..133
        siblings ports
    "#]],
    );
}

#[test]
fn kind_key_and_value() {
    check(
        "apiVersion: v1\nki$0nd: Service\n",
        expect![[r#"
        doc 0 kind=Service api=v1 unit=2
        path kind
        Key "kind" 15..19
        siblings apiVersion
    "#]],
    );
    check(
        "apiVersion: v1\nkind: Serv$0ice\n",
        expect![[r#"
        doc 0 kind=Service api=v1 unit=2
        path kind
        Value plain "Service" 21..28 raw="Service"
        siblings apiVersion
    "#]],
    );
}

#[test]
fn value_being_typed_after_colon_and_space() {
    check(
        "apiVersion: batch/v1\nkind: CronJob\nspec:\n  schedule: x\n  concurrencyPolicy: $0\n  suspend: false\n",
        expect![[r#"
            doc 0 kind=CronJob api=batch/v1 unit=2
            path spec.concurrencyPolicy
            Value plain "" 76..76 raw=""
            siblings schedule, suspend
        "#]],
    );
}

#[test]
fn value_being_typed_right_after_colon() {
    check(
        "kind: CronJob\nspec:\n  concurrencyPolicy:$0\n",
        expect![[r#"
        doc 0 kind=CronJob unit=2
        path spec.concurrencyPolicy
        Value plain "" 40..40 raw=""
    "#]],
    );
}

#[test]
fn value_prefix_being_typed() {
    check(
        "kind: CronJob\nspec:\n  concurrencyPolicy: Fo$0\n",
        expect![[r#"
        doc 0 kind=CronJob unit=2
        path spec.concurrencyPolicy
        Value plain "Fo" 41..43 raw="Fo"
    "#]],
    );
}

#[test]
fn half_typed_key_among_siblings() {
    check(
        "kind: Deployment\nspec:\n  replicas: 3\n  stra$0\n  paused: true\n",
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec
        NewKey prefix="stra" 39..43 indent=2
        siblings replicas, paused
    "#]],
    );
}

#[test]
fn half_typed_key_at_end_of_file() {
    check(
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n  stra$0",
        expect![[r#"
        doc 0 kind=Deployment api=apps/v1 unit=2
        path spec
        NewKey prefix="stra" 59..63 indent=2
        siblings replicas
    "#]],
    );
}

#[test]
fn half_typed_first_key_under_parent() {
    check(
        "kind: Deployment\nspec:\n  stra$0\n",
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec
        NewKey prefix="stra" 25..29 indent=2
    "#]],
    );
}

#[test]
fn half_typed_key_at_root() {
    check(
        "apiVersion: v1\nki$0",
        expect![[r#"
        doc 0 api=v1 unit=2
        path 
        NewKey prefix="ki" 15..17 indent=0
        siblings apiVersion
    "#]],
    );
    check(
        "ki$0",
        expect![[r#"
        doc 0 unit=2
        path 
        NewKey prefix="ki" 0..2 indent=0
    "#]],
    );
}

#[test]
fn cursor_inside_half_typed_key() {
    check(
        "spec:\n  replicas: 1\n  st$0ra\n",
        expect![[r#"
        doc 0 unit=2
        path spec
        NewKey prefix="st" 22..26 indent=2
        siblings replicas
    "#]],
    );
}

#[test]
fn empty_line_at_childrens_indent() {
    check(
        "kind: Deployment\nspec:\n  replicas: 3\n  $0\n  paused: true\n",
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec
        NewKey prefix="" 39..39 indent=2
        siblings replicas, paused
    "#]],
    );
}

#[test]
fn empty_line_column_picks_the_mapping() {
    let text = "kind: Deployment\nspec:\n  template:\n    spec:\n      containers: []\n{}\n";
    check(
        &text.replace("{}", "$0"),
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path 
        NewKey prefix="" 66..66 indent=0
        siblings kind, spec
    "#]],
    );
    check(
        &text.replace("{}", "  $0"),
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec
        NewKey prefix="" 68..68 indent=2
        siblings template
    "#]],
    );
    check(
        &text.replace("{}", "    $0"),
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec.template
        NewKey prefix="" 70..70 indent=4
        siblings spec
    "#]],
    );
    check(
        &text.replace("{}", "      $0"),
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec.template.spec
        NewKey prefix="" 72..72 indent=6
        siblings containers
    "#]],
    );
    check(
        &text.replace("{}", "     $0"),
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec.template
        NewKey prefix="" 71..71 indent=4
        siblings spec
    "#]],
    );
    check(
        &text.replace("{}", "          $0"),
        expect![[r#"
        doc 0 kind=Deployment unit=2
        path spec.template.spec
        NewKey prefix="" 76..76 indent=6
        siblings containers
    "#]],
    );
}

#[test]
fn empty_line_under_key_without_value() {
    check(
        "kind: Pod\nspec:\n  containers:\n  $0\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec
        NewKey prefix="" 32..32 indent=2
        siblings containers
    "#]],
    );
    check(
        "kind: Pod\nspec:\n$0\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path 
        NewKey prefix="" 16..16 indent=0
        siblings kind, spec
    "#]],
    );
    check(
        "kind: Pod\nspec:\n  $0",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec
        NewKey prefix="" 18..18 indent=2
    "#]],
    );
}

#[test]
fn empty_line_in_list_item() {
    let text = "kind: Pod\nspec:\n  containers:\n    - name: a\n{}\n    - name: b\n";
    check(
        &text.replace("{}", "      $0"),
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[0]
        NewKey prefix="" 50..50 indent=6
        siblings name
    "#]],
    );
    check(
        &text.replace("{}", "    $0"),
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers
        Nothing
    "#]],
    );
    check(
        &text.replace("{}", "  $0"),
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec
        NewKey prefix="" 46..46 indent=2
        siblings containers
    "#]],
    );
}

#[test]
fn empty_line_before_nested_mapping() {
    check(
        "kind: A\nspec:\n  $0\n  replicas: 1\n",
        expect![[r#"
        doc 0 kind=A unit=2
        path spec
        NewKey prefix="" 16..16 indent=2
        siblings replicas
    "#]],
    );
}

#[test]
fn new_list_item() {
    check(
        "kind: Pod\nspec:\n  containers:\n    - name: a\n    - $0\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[1]
        NewItem indent=6
    "#]],
    );
    check(
        "kind: PersistentVolumeClaim\nspec:\n  accessModes:\n  - $0",
        expect![[r#"
        doc 0 kind=PersistentVolumeClaim unit=2
        path spec.accessModes[0]
        NewItem indent=4
    "#]],
    );
}

#[test]
fn scalar_list_item_is_a_value() {
    check(
        "kind: PersistentVolumeClaim\nspec:\n  accessModes:\n    - ReadWr$0\n",
        expect![[r#"
        doc 0 kind=PersistentVolumeClaim unit=2
        path spec.accessModes[0]
        Value plain "ReadWr" 55..61 raw="ReadWr"
    "#]],
    );
}

#[test]
fn flow_mapping_value_being_typed() {
    check(
        "kind: Pod\nspec:\n  containers:\n    - {name: a, imagePullPolicy: $0}\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[0].imagePullPolicy
        Value plain "" 63..63 raw=""
        siblings name
    "#]],
    );
}

#[test]
fn flow_mapping_new_key() {
    check(
        "kind: Pod\nspec:\n  containers:\n    - {name: a, imag$0}\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[0]
        NewKey prefix="imag" 46..50 indent=16
        siblings name
    "#]],
    );
    check(
        "kind: Pod\nspec:\n  containers:\n    - {name: a, $0}\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[0]
        NewKey prefix="" 46..46 indent=16
        siblings name
    "#]],
    );
    check(
        "kind: Pod\nspec:\n  containers:\n    - {$0}\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[0]
        NewKey prefix="" 37..37 indent=7
    "#]],
    );
}

#[test]
fn flow_sequence_items() {
    check(
        "spec:\n  accessModes: [ReadWriteOnce, $0]\n",
        expect![[r#"
        doc 0 unit=2
        path spec.accessModes[1]
        NewItem indent=31
    "#]],
    );
    check(
        "spec:\n  accessModes: [Read$0]\n",
        expect![[r#"
        doc 0 unit=2
        path spec.accessModes[0]
        Value plain "Read" 22..26 raw="Read"
    "#]],
    );
    check(
        "spec:\n  args: [\"--since\", \"2$0\"]\n",
        expect![[r#"
        doc 0 unit=2
        path spec.args[1]
        Value double-quoted "2" 26..29 raw="\"2\""
    "#]],
    );
}

#[test]
fn multi_document_uses_the_right_kind() {
    check(
        "apiVersion: v1\nkind: Service\nspec:\n  type: ClusterIP\n---\napiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      restartPolicy: $0\n",
        expect![[r#"
            doc 1 kind=Job api=batch/v1 unit=2
            path spec.template.spec.restartPolicy
            Value plain "" 137..137 raw=""
        "#]],
    );
}

#[test]
fn document_without_kind() {
    check(
        "metadata:\n  name: x\nspec:\n  replicas: $0\n",
        expect![[r#"
        doc 0 unit=2
        path spec.replicas
        Value plain "" 38..38 raw=""
    "#]],
    );
}

#[test]
fn document_after_a_broken_one() {
    check(
        "kind: A\n  b: : [\n---\nkind: Service\nspec:\n  type: $0\n",
        expect![[r#"
        doc 1 kind=Service unit=2
        path spec.type
        Value plain "" 49..49 raw=""
    "#]],
    );
}

#[test]
fn empty_document_after_marker() {
    check(
        "kind: A\n---\n$0",
        expect![[r#"
        doc 1 unit=2
        path 
        NewKey prefix="" 12..12 indent=0
    "#]],
    );
    check(
        "$0",
        expect![[r#"
        doc 0 unit=2
        path 
        NewKey prefix="" 0..0 indent=0
    "#]],
    );
}

#[test]
fn in_comment() {
    check(
        "kind: A # a com$0ment\n",
        expect![[r#"
        doc 0 kind=A unit=2
        path 
        Nothing
    "#]],
    );
}

#[test]
fn on_document_marker() {
    check(
        "kind: A\n--$0-\nkind: B\n",
        expect![[r#"
        doc 1 kind=B unit=2
        path 
        Nothing
    "#]],
    );
}

#[test]
fn in_indentation_before_a_key() {
    check(
        "spec:\n $0 replicas: 1\n",
        expect![[r#"
        doc 0 unit=2
        path spec
        Nothing
    "#]],
    );
}

#[test]
fn inside_block_scalar() {
    check(
        "data:\n  conf: |\n    line1\n    li$0ne2\n",
        expect![[r#"
        doc 0 unit=2
        path data.conf
        Value literal "line1\nline2\n" 14..35 raw="|\n    line1\n    line2"
    "#]],
    );
    check(
        "data:\n  conf: |\n    line1\n$0\n    line2\nnext: 1\n",
        expect![[r#"
        doc 0 unit=2
        path data.conf
        Nothing
    "#]],
    );
}

#[test]
fn quoted_value() {
    check(
        "metadata:\n  annotations:\n    a: \"x$0y\"\n",
        expect![[r#"
        doc 0 unit=2
        path metadata.annotations.a
        Value double-quoted "xy" 32..36 raw="\"xy\""
    "#]],
    );
}

#[test]
fn after_key_with_nested_value() {
    check(
        "spec: $0\n  replicas: 1\n",
        expect![[r#"
        doc 0 unit=2
        path spec
        Value plain "" 6..6 raw=""
    "#]],
    );
}

#[test]
fn past_the_end_is_clamped() {
    let text = "kind: A\nspec:\n  replicas: 1";
    let file = kref_yaml::parse(text);
    let at_end = file.locate(text.len());
    assert_eq!(file.locate(text.len() + 1000), at_end);
    assert_eq!(file.locate(usize::MAX), at_end);
}

#[test]
fn inside_a_multibyte_character_is_clamped() {
    let text = "metadata:\n  name: café-日本\n";
    let file = kref_yaml::parse(text);
    let e = text.find('é').unwrap();
    assert_eq!(file.locate(e + 1), file.locate(e));
    let j = text.find('日').unwrap();
    assert_eq!(file.locate(j + 2), file.locate(j));
    check(
        "metadata:\n  name: café-日$0本\n",
        expect![[r#"
        doc 0 unit=2
        path metadata.name
        Value plain "café-日本" 18..30 raw="café-日本"
    "#]],
    );
}

#[test]
fn crlf_and_bom() {
    check(
        "\u{feff}kind: A\r\nspec:\r\n  replicas: 1\r\n  $0\r\n",
        expect![[r#"
        doc 0 kind=A unit=2
        path spec
        NewKey prefix="" 36..36 indent=2
        siblings replicas
    "#]],
    );
    check(
        "\u{feff}kind: A\r\nspec:\r\n  replicas: $0\r\n",
        expect![[r#"
        doc 0 kind=A unit=2
        path spec.replicas
        Value plain "" 31..31 raw=""
    "#]],
    );
}

#[test]
fn four_space_indentation_unit() {
    check(
        "kind: A\nspec:\n    template:\n        spec:\n            $0\n",
        expect![[r#"
        doc 0 kind=A unit=4
        path spec.template.spec
        NewKey prefix="" 54..54 indent=12
    "#]],
    );
}

#[test]
fn anchors_and_aliases() {
    check(
        "base: &b\n  a: 1\nother:\n  <<: *b\n  c: $0\n",
        expect![[r#"
        doc 0 unit=2
        path other.c
        Value plain "" 37..37 raw=""
        siblings <<
    "#]],
    );
    check(
        "base: &b\n  a: 1\nother:\n  <<: *$0b\n",
        expect![[r#"
        doc 0 unit=2
        path other.<<
        Nothing
    "#]],
    );
}

#[test]
fn explicit_key() {
    check(
        "? ke$0y\n: 1\n",
        expect![[r#"
        doc 0 unit=2
        path key
        Key "key" 2..5
    "#]],
    );
}

#[test]
fn tab_indented_child() {
    check(
        "spec:\n\treplicas: $0\n",
        expect![[r#"
        doc 0 unit=2
        path spec.replicas
        Value plain "" 17..17 raw=""
    "#]],
    );
}

#[test]
fn unclosed_quote_does_not_swallow_the_rest() {
    check(
        "metadata:\n  name: \"abc\n  namespace: $0\n",
        expect![[r#"
        doc 0 unit=2
        path metadata.namespace
        Value plain "" 36..36 raw=""
        siblings name
    "#]],
    );
}

#[test]
fn half_typed_key_in_list_item() {
    check(
        "kind: Pod\nspec:\n  containers:\n    - name: a\n      ima$0\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[0]
        NewKey prefix="ima" 50..53 indent=6
        siblings name
    "#]],
    );
}

#[test]
fn first_word_of_a_new_list_item() {
    check(
        "kind: Pod\nspec:\n  containers:\n    - name: a\n    - ima$0\n",
        expect![[r#"
        doc 0 kind=Pod unit=2
        path spec.containers[1]
        Value plain "ima" 50..53 raw="ima"
    "#]],
    );
}

#[test]
fn key_inside_flow_mapping() {
    check(
        "spec:\n  containers: [{na$0me: a, image: b}]\n",
        expect![[r#"
        doc 0 unit=2
        path spec.containers[0].name
        Key "name" 22..26
        siblings image
    "#]],
    );
}

#[test]
fn quoted_key() {
    check(
        "metadata:\n  annotations:\n    \"example.com/x$0\": y\n",
        expect![[r#"
        doc 0 unit=2
        path metadata.annotations.example.com/x
        Key "example.com/x" 29..44
    "#]],
    );
}

#[test]
fn api_version_value() {
    check(
        "apiVersion: apps/v$01\nkind: Deployment\n",
        expect![[r#"
        doc 0 kind=Deployment api=apps/v1 unit=2
        path apiVersion
        Value plain "apps/v1" 12..19 raw="apps/v1"
        siblings kind
    "#]],
    );
}

#[test]
fn blank_line_in_second_document() {
    check(
        "kind: A\nspec:\n  x: 1\n---\nkind: B\nmetadata:\n  name: b\n  $0\n",
        expect![[r#"
        doc 1 kind=B unit=2
        path metadata
        NewKey prefix="" 55..55 indent=2
        siblings name
    "#]],
    );
}

#[test]
fn non_ascii_keys_and_values() {
    check(
        "data:\n  説明: 日本語\n  😀: o$0k\n",
        expect![[r#"
        doc 0 unit=2
        path data.😀
        Value plain "ok" 34..36 raw="ok"
        siblings 説明
    "#]],
    );
}

#[test]
fn list_of_lists() {
    check(
        "matrix:\n  - - a\n    - $0\n",
        expect![[r#"
        doc 0 unit=2
        path matrix[0][1]
        NewItem indent=6
    "#]],
    );
}
