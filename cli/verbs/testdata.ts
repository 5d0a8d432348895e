// Objects and kubectl's output for them, captured from the real kubectl (v1.32)
// against a kubelite apiserver, for the formatting tests.
import type { KubeObject } from '../../api/meta.js';

/** A pod with two containers, probes, env from a secret, volumes and a restart. */
export const DESCRIBE_POD: KubeObject = {
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "annotations": {
      "note": "hello"
    },
    "labels": {
      "app": "rp",
      "tier": "web"
    },
    "name": "rp",
    "namespace": "default"
  },
  "spec": {
    "containers": [
      {
        "args": [
          "x"
        ],
        "command": [
          "sh",
          "-c",
          "sleep 1000"
        ],
        "env": [
          {
            "name": "A",
            "value": "1"
          },
          {
            "name": "B",
            "valueFrom": {
              "secretKeyRef": {
                "key": "k",
                "name": "s"
              }
            }
          }
        ],
        "image": "busybox",
        "imagePullPolicy": "Always",
        "name": "app",
        "ports": [
          {
            "containerPort": 80,
            "protocol": "TCP"
          },
          {
            "containerPort": 443,
            "hostPort": 8443,
            "protocol": "TCP"
          }
        ],
        "readinessProbe": {
          "failureThreshold": 3,
          "httpGet": {
            "path": "/healthz",
            "port": 80,
            "scheme": "HTTP"
          },
          "periodSeconds": 5,
          "successThreshold": 1,
          "timeoutSeconds": 1
        },
        "resources": {
          "limits": {
            "cpu": "200m",
            "memory": "128Mi"
          },
          "requests": {
            "cpu": "100m",
            "memory": "64Mi"
          }
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [
          {
            "mountPath": "/data",
            "name": "data"
          },
          {
            "mountPath": "/etc/cfg",
            "name": "cfg",
            "readOnly": true
          }
        ]
      },
      {
        "image": "nginx",
        "imagePullPolicy": "Always",
        "name": "side",
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File"
      }
    ],
    "dnsPolicy": "ClusterFirst",
    "enableServiceLinks": true,
    "nodeName": "n1",
    "priority": 0,
    "restartPolicy": "Always",
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "serviceAccount": "default",
    "serviceAccountName": "default",
    "terminationGracePeriodSeconds": 30,
    "tolerations": [
      {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "tolerationSeconds": 300
      },
      {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "tolerationSeconds": 300
      }
    ],
    "volumes": [
      {
        "emptyDir": {},
        "name": "data"
      },
      {
        "configMap": {
          "defaultMode": 420,
          "name": "cfg"
        },
        "name": "cfg"
      }
    ]
  },
  "status": {
    "conditions": [
      {
        "status": "True",
        "type": "Initialized"
      },
      {
        "status": "False",
        "type": "Ready"
      }
    ],
    "containerStatuses": [
      {
        "containerID": "docker://abc",
        "image": "busybox",
        "imageID": "docker://sha",
        "lastState": {
          "terminated": {
            "exitCode": 137,
            "finishedAt": "2024-05-01T10:00:00Z",
            "reason": "OOMKilled",
            "startedAt": "2024-05-01T10:00:00Z"
          }
        },
        "name": "app",
        "ready": true,
        "restartCount": 2,
        "state": {
          "running": {
            "startedAt": "2024-05-01T10:00:00Z"
          }
        }
      },
      {
        "image": "nginx",
        "imageID": "",
        "name": "side",
        "ready": false,
        "restartCount": 0,
        "state": {
          "waiting": {
            "reason": "ImagePullBackOff"
          }
        }
      }
    ],
    "hostIP": "10.0.0.1",
    "phase": "Running",
    "podIP": "10.244.1.5",
    "podIPs": [
      {
        "ip": "10.244.1.5"
      }
    ],
    "qosClass": "Burstable",
    "startTime": "2024-05-01T10:00:00Z"
  }
};

/** `kubectl describe pod rp` for DESCRIBE_POD (TZ=UTC). */
export const DESCRIBE_POD_TEXT = "Name:             rp\nNamespace:        default\nPriority:         0\nService Account:  default\nNode:             n1/10.0.0.1\nStart Time:       Wed, 01 May 2024 10:00:00 +0000\nLabels:           app=rp\n                  tier=web\nAnnotations:      note: hello\nStatus:           Running\nIP:               10.244.1.5\nIPs:\n  IP:  10.244.1.5\nContainers:\n  app:\n    Container ID:  docker://abc\n    Image:         busybox\n    Image ID:      docker://sha\n    Ports:         80/TCP, 443/TCP\n    Host Ports:    0/TCP, 8443/TCP\n    Command:\n      sh\n      -c\n      sleep 1000\n    Args:\n      x\n    State:          Running\n      Started:      Wed, 01 May 2024 10:00:00 +0000\n    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n      Started:      Wed, 01 May 2024 10:00:00 +0000\n      Finished:     Wed, 01 May 2024 10:00:00 +0000\n    Ready:          True\n    Restart Count:  2\n    Limits:\n      cpu:     200m\n      memory:  128Mi\n    Requests:\n      cpu:      100m\n      memory:   64Mi\n    Readiness:  http-get http://:80/healthz delay=0s timeout=1s period=5s #success=1 #failure=3\n    Environment:\n      A:  1\n      B:  <set to the key 'k' in secret 's'>  Optional: false\n    Mounts:\n      /data from data (rw)\n      /etc/cfg from cfg (ro)\n  side:\n    Container ID:   \n    Image:          nginx\n    Image ID:       \n    Port:           <none>\n    Host Port:      <none>\n    State:          Waiting\n      Reason:       ImagePullBackOff\n    Ready:          False\n    Restart Count:  0\n    Environment:    <none>\n    Mounts:         <none>\nConditions:\n  Type          Status\n  Initialized   True \n  Ready         False \nVolumes:\n  data:\n    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:     \n    SizeLimit:  <unset>\n  cfg:\n    Type:        ConfigMap (a volume populated by a ConfigMap)\n    Name:        cfg\n    Optional:    false\nQoS Class:       Burstable\nNode-Selectors:  <none>\nTolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\nEvents:          <none>\n";

/** A live Deployment applied by kubectl. */
export const APPLY_LIVE: KubeObject = {
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "annotations": {
      "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"ap\",\"tier\":\"web\"},\"name\":\"ap\",\"namespace\":\"default\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"ap\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"ap\"}},\"spec\":{\"containers\":[{\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}],\"image\":\"nginx:1.25\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]},{\"image\":\"busybox\",\"name\":\"side\"}]}}}}\n"
    },
    "creationTimestamp": "2026-11-22T03:17:04Z",
    "generation": 1,
    "labels": {
      "app": "ap",
      "tier": "web"
    },
    "name": "ap",
    "namespace": "default",
    "resourceVersion": "68",
    "uid": "c316ca09-d1cf-4ec8-8d01-688b1da7d989"
  },
  "spec": {
    "progressDeadlineSeconds": 600,
    "replicas": 2,
    "revisionHistoryLimit": 10,
    "selector": {
      "matchLabels": {
        "app": "ap"
      }
    },
    "strategy": {
      "rollingUpdate": {
        "maxSurge": "25%",
        "maxUnavailable": "25%"
      },
      "type": "RollingUpdate"
    },
    "template": {
      "metadata": {
        "labels": {
          "app": "ap"
        }
      },
      "spec": {
        "containers": [
          {
            "env": [
              {
                "name": "A",
                "value": "1"
              },
              {
                "name": "B",
                "value": "2"
              }
            ],
            "image": "nginx:1.25",
            "imagePullPolicy": "IfNotPresent",
            "name": "nginx",
            "ports": [
              {
                "containerPort": 80,
                "protocol": "TCP"
              }
            ],
            "resources": {},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File"
          },
          {
            "image": "busybox",
            "imagePullPolicy": "Always",
            "name": "side",
            "resources": {},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File"
          }
        ],
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30
      }
    }
  },
  "status": {}
};

/** The next config applied on top of APPLY_LIVE (one container and one env var fewer, new image and label). */
export const APPLY_AFTER: KubeObject = {
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "ap",
    "labels": {
      "app": "ap",
      "tier": "x"
    },
    "namespace": "default"
  },
  "spec": {
    "replicas": 2,
    "selector": {
      "matchLabels": {
        "app": "ap"
      }
    },
    "template": {
      "metadata": {
        "labels": {
          "app": "ap"
        }
      },
      "spec": {
        "containers": [
          {
            "name": "nginx",
            "image": "nginx:1.26",
            "env": [
              {
                "name": "A",
                "value": "1"
              }
            ],
            "ports": [
              {
                "containerPort": 80
              }
            ]
          }
        ]
      }
    }
  }
};

/** The strategic merge patch kubectl sent for APPLY_AFTER, byte for byte. */
export const APPLY_KUBECTL_PATCH = "{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"apiVersion\\\":\\\"apps/v1\\\",\\\"kind\\\":\\\"Deployment\\\",\\\"metadata\\\":{\\\"annotations\\\":{},\\\"labels\\\":{\\\"app\\\":\\\"ap\\\",\\\"tier\\\":\\\"x\\\"},\\\"name\\\":\\\"ap\\\",\\\"namespace\\\":\\\"default\\\"},\\\"spec\\\":{\\\"replicas\\\":2,\\\"selector\\\":{\\\"matchLabels\\\":{\\\"app\\\":\\\"ap\\\"}},\\\"template\\\":{\\\"metadata\\\":{\\\"labels\\\":{\\\"app\\\":\\\"ap\\\"}},\\\"spec\\\":{\\\"containers\\\":[{\\\"env\\\":[{\\\"name\\\":\\\"A\\\",\\\"value\\\":\\\"1\\\"}],\\\"image\\\":\\\"nginx:1.26\\\",\\\"name\\\":\\\"nginx\\\",\\\"ports\\\":[{\\\"containerPort\\\":80}]}]}}}}\\n\"},\"labels\":{\"tier\":\"x\"}},\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"nginx\"}],\"containers\":[{\"$setElementOrder/env\":[{\"name\":\"A\"}],\"env\":[{\"$patch\":\"delete\",\"name\":\"B\"}],\"image\":\"nginx:1.26\",\"name\":\"nginx\"},{\"$patch\":\"delete\",\"name\":\"side\"}]}}}}";
