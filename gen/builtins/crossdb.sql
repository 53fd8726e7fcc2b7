{#- dbt's cross-database macros, as dbt-postgres renders them (types.sql,
    casts.sql, sets.sql, strings.sql, splitpart.sql, listagg.sql,
    dates.sql, datediff.sql, clock.sql, series.sql, spine.sql). Each public name
    hands over to adapter.dispatch in the dbt namespace, so that a
    project's own postgres__NAME or default__NAME wins as it does in dbt;
    the adapter versions are the ones dbt and dbt-postgres have, no more
    (another would change which of a project's overrides wins). Other
    adapters' versions are not here: each of ours refuses another
    adapter. -#}
{% macro dbt2ninja_postgres_only(name) -%}
    {%- if target.type not in ['postgres', 'materialize'] -%}
        {%- do exceptions.raise_compiler_error("unsupported: dbt." ~ name ~ " for the adapter "
            ~ target.type ~ ": dbt2ninja's dbt macros are dbt-postgres's (a manifest from dbt parse works instead)") -%}
    {%- endif -%}
{%- endmacro %}

{#- dbt-materialize has its own of these; they are not ours. -#}
{% macro dbt2ninja_materialize_own(name) -%}
    {%- do exceptions.raise_compiler_error("unsupported: dbt." ~ name ~ " for the adapter materialize: "
        ~ "dbt-materialize's materialize__" ~ name ~ " is not dbt2ninja's (a manifest from dbt parse works instead)") -%}
{%- endmacro %}
