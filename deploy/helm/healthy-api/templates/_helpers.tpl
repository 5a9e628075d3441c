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
The fullname with a suffix ("-metrics"), still within the 63 characters a name may have: the fullname
is shortened first, so a long release name cannot push the suffix past the limit.
Usage: include "healthy-api.suffixedName" (list . "metrics")
*/}}
{{- define "healthy-api.suffixedName" -}}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "healthy-api.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
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
True when more than one replica always runs, so a PodDisruptionBudget cannot block every drain. With
autoscaling on, the autoscaler's minimum decides, not replicaCount (which the Deployment then omits).
*/}}
{{- define "healthy-api.multiReplica" -}}
{{- $least := ternary .Values.autoscaling.minReplicas .Values.replicaCount .Values.autoscaling.enabled }}
{{- if gt (int $least) 1 }}true{{ end }}
{{- end }}

{{/*
Labels of the helm test pod: the release's, but not the app's selector labels, so the Service, the
PodDisruptionBudget and the NetworkPolicy never take the test pod for one of the app's.
*/}}
{{- define "healthy-api.testLabels" -}}
helm.sh/chart: {{ include "healthy-api.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
