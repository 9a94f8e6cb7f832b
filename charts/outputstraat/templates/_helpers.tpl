{{/* Names, labels and shared snippets. */}}

{{- define "outputstraat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "outputstraat.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "outputstraat.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "outputstraat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: outputstraat
{{- end -}}

{{/* Selector labels of one component: include with (dict "root" . "component" "operator"). */}}
{{- define "outputstraat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "outputstraat.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "outputstraat.componentLabels" -}}
{{ include "outputstraat.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "outputstraat.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "outputstraat.operatorServiceAccount" -}}
{{- if .Values.operator.serviceAccount.create -}}
{{- default (printf "%s-operator" (include "outputstraat.fullname" .)) .Values.operator.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.operator.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "outputstraat.runtimeServiceAccount" -}}
{{- if .Values.runtime.serviceAccount.create -}}
{{- default (printf "%s-runtime" (include "outputstraat.fullname" .)) .Values.runtime.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.runtime.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* NATS_URL from the plain URL or from a Secret. */}}
{{- define "outputstraat.natsEnv" -}}
- name: NATS_URL
{{- if .Values.nats.existingSecret.name }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.nats.existingSecret.name }}
      key: {{ .Values.nats.existingSecret.key }}
{{- else }}
  value: {{ .Values.nats.url | quote }}
{{- end }}
{{- end -}}

{{/* Pod-level scheduling knobs of one component's values. */}}
{{- define "outputstraat.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}
