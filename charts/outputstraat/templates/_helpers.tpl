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
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
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

{{/* Where the NATS credential and TLS Secrets are mounted (read-only) in both Deployments. */}}
{{- define "outputstraat.natsAuthDir" -}}/var/run/outputstraat/nats/auth{{- end -}}
{{- define "outputstraat.natsTlsDir" -}}/var/run/outputstraat/nats/tls{{- end -}}

{{/*
The Secret with one component's NATS credentials: the operator's own when
nats.auth.operatorExistingSecret is set, else nats.auth.existingSecret. Fails with what to do when a
mode that needs a Secret has none. Include with (dict "root" . "component" "operator"|"runtime").
*/}}
{{- define "outputstraat.natsAuthSecret" -}}
{{- $auth := .root.Values.nats.auth -}}
{{- $how := dict "userPassword" "keys user and password: kubectl create secret generic outputstraat-nats --from-literal=user=... --from-literal=password=..." "nkey" "key nkeySeed: kubectl create secret generic outputstraat-nats --from-file=nkeySeed=user.nk" "creds" "key creds: kubectl create secret generic outputstraat-nats --from-file=creds=user.creds" -}}
{{- if ne $auth.mode "none" -}}
{{- if not $auth.existingSecret -}}
{{- fail (printf "nats.auth.mode is %s but nats.auth.existingSecret is empty: set it to the Secret with the NATS credentials (%s), see docs/operations.md, NATS credentials and TLS. Use nats.auth.mode=none only for a NATS server that nothing but this street's pods can reach." $auth.mode (get $how $auth.mode)) -}}
{{- end -}}
{{- if and (eq .component "operator") $auth.operatorExistingSecret -}}
{{- $auth.operatorExistingSecret -}}
{{- else -}}
{{- $auth.existingSecret -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
NATS_URL (plain or from a Secret), the credentials of nats.auth.mode and the TLS files of nats.tls, as
the operator and the runtime read them. Include with (dict "root" . "component" "operator"|"runtime").
*/}}
{{- define "outputstraat.natsEnv" -}}
{{- $nats := .root.Values.nats -}}
{{- $secret := include "outputstraat.natsAuthSecret" . -}}
- name: NATS_URL
{{- if $nats.existingSecret.name }}
  valueFrom:
    secretKeyRef:
      name: {{ $nats.existingSecret.name }}
      key: {{ $nats.existingSecret.key }}
{{- else }}
  value: {{ $nats.url | quote }}
{{- end }}
{{- if eq $nats.auth.mode "userPassword" }}
- name: NATS_USER
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: user
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: password
{{- else if eq $nats.auth.mode "nkey" }}
- name: NATS_NKEY_SEED_FILE
  value: {{ include "outputstraat.natsAuthDir" . }}/nkeySeed
{{- else if eq $nats.auth.mode "creds" }}
- name: NATS_CREDS_FILE
  value: {{ include "outputstraat.natsAuthDir" . }}/creds
{{- end }}
{{- if $nats.tls.enabled }}
{{- if not $nats.tls.existingSecret }}
{{- fail "nats.tls.enabled needs nats.tls.existingSecret: the Secret with ca.crt (and tls.crt, tls.key when nats.tls.mutual)" }}
{{- end }}
- name: NATS_TLS_CA_FILE
  value: {{ include "outputstraat.natsTlsDir" . }}/ca.crt
{{- if $nats.tls.mutual }}
- name: NATS_TLS_CERT_FILE
  value: {{ include "outputstraat.natsTlsDir" . }}/tls.crt
- name: NATS_TLS_KEY_FILE
  value: {{ include "outputstraat.natsTlsDir" . }}/tls.key
{{- end }}
{{- end }}
{{- end -}}

{{/* volumeMounts for the NATS credential and TLS files (nothing for userPassword and none). */}}
{{- define "outputstraat.natsVolumeMounts" -}}
{{- $nats := .root.Values.nats -}}
{{- if has $nats.auth.mode (list "nkey" "creds") }}
- name: nats-auth
  mountPath: {{ include "outputstraat.natsAuthDir" . }}
  readOnly: true
{{- end }}
{{- if $nats.tls.enabled }}
- name: nats-tls
  mountPath: {{ include "outputstraat.natsTlsDir" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* volumes for the NATS credential and TLS files: only the keys the mode reads. */}}
{{- define "outputstraat.natsVolumes" -}}
{{- $nats := .root.Values.nats -}}
{{- if has $nats.auth.mode (list "nkey" "creds") }}
{{- $key := ternary "nkeySeed" "creds" (eq $nats.auth.mode "nkey") }}
- name: nats-auth
  secret:
    secretName: {{ include "outputstraat.natsAuthSecret" . }}
    defaultMode: 0444
    items:
      - key: {{ $key }}
        path: {{ $key }}
{{- end }}
{{- if $nats.tls.enabled }}
- name: nats-tls
  secret:
    secretName: {{ $nats.tls.existingSecret }}
    defaultMode: 0444
    items:
      - key: ca.crt
        path: ca.crt
      {{- if $nats.tls.mutual }}
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
      {{- end }}
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
