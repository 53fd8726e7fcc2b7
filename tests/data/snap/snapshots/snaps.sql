{% snapshot s_cur %}
{{ config(unique_key='id', strategy='timestamp', updated_at='at',
   dbt_valid_to_current="'9999-12-31'::timestamp", hard_deletes='new_record',
   snapshot_meta_column_names={'dbt_valid_from': 'vf', 'dbt_valid_to': 'vt', 'dbt_scd_id': 'sid',
     'dbt_updated_at': 'ua', 'dbt_is_deleted': 'isdel'},
   sql_header="insert into raw.header_log values ('s_cur');",
   grants={'select': ['reader']}, persist_docs={'relation': true, 'columns': true}) }}
select * from raw.src
{% endsnapshot %}

{% snapshot s_inv %}
{{ config(unique_key=['id', 'k'], strategy='timestamp', updated_at='at',
   dbt_valid_to_current="'9999-12-31'::timestamp", hard_deletes='invalidate') }}
select * from raw.src
{% endsnapshot %}

{% snapshot s_legacy %}
{{ config(unique_key='id', strategy='timestamp', updated_at='at', invalidate_hard_deletes=true) }}
select * from raw.src
{% endsnapshot %}

{% snapshot s_ign %}
{{ config(unique_key='id', strategy='timestamp', updated_at='at', hard_deletes='ignore') }}
select * from raw.src
{% endsnapshot %}

{% snapshot c_all %}
{{ config(unique_key='id', strategy='check', check_cols='all', hard_deletes='new_record',
   snapshot_meta_column_names={'dbt_is_deleted': 'gone'}) }}
select * from raw.src
{% endsnapshot %}

{% snapshot c_list %}
{{ config(unique_key=['id'], strategy='check', check_cols=['v', 'k'],
   dbt_valid_to_current="'9999-12-31'::timestamp") }}
select * from raw.src
{% endsnapshot %}

{% snapshot c_upd %}
{{ config(unique_key='id', strategy='check', check_cols=['v'], updated_at='at',
   hard_deletes='new_record', dbt_valid_to_current="'9999-12-31'::timestamp") }}
select * from raw.src
{% endsnapshot %}
