{{/*
Expand the name of the chart.
*/}}
{{- define "healthy-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "healthy-api.fullname" -}}
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

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "healthy-api.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "healthy-api.labels" -}}
helm.sh/chart: {{ include "healthy-api.chart" . }}
{{ include "healthy-api.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "healthy-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "healthy-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "healthy-api.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "healthy-api.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Seconds as a .NET TimeSpan ("00:00:45"): a bare "45" would be read as 45 days.
*/}}
{{- define "healthy-api.timespan" -}}
{{- $s := int . -}}
{{- printf "%02d:%02d:%02d" (div $s 3600) (mod (div $s 60) 60) (mod $s 60) -}}
{{- end }}

{{- /* #if (postgres || redis) */}}
{{/*
The Secret holding the connection strings.
*/}}
{{- define "healthy-api.connectionSecretName" -}}
{{- default (printf "%s-connections" (include "healthy-api.fullname" .)) .Values.connectionStrings.secretName }}
{{- end }}
{{- /* #endif */}}

{{/*
True when more than one replica can run, so a PodDisruptionBudget cannot block every drain.
*/}}
{{- define "healthy-api.multiReplica" -}}
{{- if or (gt (int .Values.replicaCount) 1) (and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) 1)) }}true{{ end }}
{{- end }}
