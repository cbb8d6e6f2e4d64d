{{/* Chart name, overridable. */}}
{{- define "tollgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full resource name: the release name, suffixed with the chart name unless it already holds it. */}}
{{- define "tollgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "tollgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "tollgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the pods; never change them on upgrade. */}}
{{- define "tollgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tollgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tollgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tollgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tollgate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the pods read: the existing one, or the chart's own. */}}
{{- define "tollgate.secretName" -}}
{{- default (include "tollgate.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* "true" when the chart renders its own Secret. */}}
{{- define "tollgate.createSecret" -}}
{{- if and (not .Values.secrets.existingSecret) (or .Values.secrets.redisUrl .Values.secrets.redisPassword .Values.secrets.bootstrapToken) }}true{{ end }}
{{- end }}

{{/* "true" when any Secret is in play, so the pods get its keys as environment variables. */}}
{{- define "tollgate.useSecret" -}}
{{- if or .Values.secrets.existingSecret (include "tollgate.createSecret" .) }}true{{ end }}
{{- end }}

{{/* "true" when Redis is configured somewhere; without it each pod has its own memory store. */}}
{{- define "tollgate.hasRedis" -}}
{{- $store := default dict .Values.config.store }}
{{- if or .Values.secrets.redisUrl .Values.secrets.existingSecret $store.url $store.redis }}true{{ end }}
{{- end }}

{{/* Environment shared by the Deployment's container and the sidecar example. */}}
{{- define "tollgate.env" -}}
- name: PORT
  value: {{ .Values.ports.http | quote }}
{{- if .Values.ports.admin }}
- name: ADMIN_PORT
  value: {{ .Values.ports.admin | quote }}
{{- end }}
- name: METRICS_PORT
  value: {{ .Values.ports.metrics | quote }}
- name: TOLLGATE_CONFIG
  value: /etc/tollgate/tollgate.yaml
{{- if include "tollgate.useSecret" . }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "tollgate.secretName" . }}
      key: {{ .Values.secrets.keys.redisUrl }}
      optional: true
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "tollgate.secretName" . }}
      key: {{ .Values.secrets.keys.redisPassword }}
      optional: true
- name: TOLLGATE_BOOTSTRAP_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "tollgate.secretName" . }}
      key: {{ .Values.secrets.keys.bootstrapToken }}
      optional: true
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
