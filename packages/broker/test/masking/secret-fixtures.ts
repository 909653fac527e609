// Real-looking CLI output holding secrets (most captured from the AWS CLI against moto), with the values that must
// not survive masking and how many of each kind are masked. Shared by the masking tests.
import type { MaskCounts } from '@aws-guard/broker/masking/stream-masker';

export type SecretFixture = Readonly<{ name: string; text: string; secrets: readonly string[]; counts: MaskCounts }>;

export const SECRET_FIXTURES: readonly SecretFixture[] = [
  {
    name: "sts get-session-token --output json",
    text: "{\n    \"Credentials\": {\n        \"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\",\n        \"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\",\n        \"SessionToken\": \"AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE\",\n        \"Expiration\": \"2026-11-27T04:14:41.515165Z\"\n    }\n}\n",
    secrets: ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1, "SessionToken": 1},
  },
  {
    name: "sts get-session-token --output text",
    text: "CREDENTIALS\tAKIAIOSFODNN7EXAMPLE\t2026-11-27T04:14:44.836135Z\twJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\tAQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE\n",
    secrets: ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1, "SessionToken": 1},
  },
  {
    name: "sts get-session-token --output table",
    text: "--------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------\n|                                                                                                                             GetSessionToken                                                                                                                            |\n+------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------+\n||                                                                                                                              Credentials                                                                                                                             ||\n|+-----------------+----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------+|\n||  AccessKeyId    |  AKIAIOSFODNN7EXAMPLE                                                                                                                                                                                                                              ||\n||  Expiration     |  2026-11-27T04:14:47.893687Z                                                                                                                                                                                                                       ||\n||  SecretAccessKey|  wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY                                                                                                                                                                                                         ||\n||  SessionToken   |  AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE   ||\n|+-----------------+----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------+|\n",
    secrets: ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1, "SessionToken": 1},
  },
  {
    name: "iam create-access-key --output json",
    text: "{\n    \"AccessKey\": {\n        \"UserName\": \"fx\",\n        \"AccessKeyId\": \"AKIARZPUZDIKBHV4MZ3C\",\n        \"Status\": \"Active\",\n        \"SecretAccessKey\": \"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\",\n        \"CreateDate\": \"2026-11-26T16:14:32.626032Z\"\n    }\n}\n",
    secrets: ["AKIARZPUZDIKBHV4MZ3C", "JCbnZJthGigyaVp54Wjn7VDcdjzzb8VbLFxKvluV"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1},
  },
  {
    name: "iam create-access-key --output text",
    text: "ACCESSKEY\tAKIARZPUZDIKNHZAJ3RO\t2026-11-26T16:14:35.750767Z\t2QZxjMO+Ip9bL9cGlsZZmsnffp37wNcENnQmomtU\tActive\tfx\n",
    secrets: ["AKIARZPUZDIKNHZAJ3RO", "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"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1},
  },
  {
    name: "iam create-access-key --output table",
    text: "-------------------------------------------------------------------\n|                         CreateAccessKey                         |\n+-----------------------------------------------------------------+\n||                           AccessKey                           ||\n|+------------------+--------------------------------------------+|\n||  AccessKeyId     |  AKIARZPUZDIKIHX7QWJO                      ||\n||  CreateDate      |  2026-11-26T16:15:40.727989Z               ||\n||  SecretAccessKey |  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  ||\n||  Status          |  Active                                    ||\n||  UserName        |  fx3                                       ||\n|+------------------+--------------------------------------------+|\n",
    secrets: ["AKIARZPUZDIKIHX7QWJO", "eBOMx0YLsLSHG8DGyAua0xt8+CYw0yrpyniP6UN/"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1},
  },
  {
    name: "s3 presign, SigV4 with a session token",
    text: "https://reports.s3.amazonaws.com/q3.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAY34FZKBOKMUTVV7A%2F20261126%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261126T161500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQD6ugUc0v8YYGzfw1F5fK8ylZcg5xFhOJBnDnL5WUGW4QIgL7Hh3qM9oJ3xO8ugfQdoj5VtVY8vUZ2PWQ2dhn0eWxQqoAIIs%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FARAAGgw1NjMyMTA5ODc2NTQiDOa5LZ8wZ5fhf2BM7yr0Aa2tsc1BgPiXLTtuNn2wZDWz1g9fF1eOHjR5ZSkD8XsBrWnn3Yk2fFQ2Kp0Wcs5mL7HhF8Yf9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0&X-Amz-Signature=39cb1dfb925a95691b7e3663e6a47655bf29093f8d6691a6ee8c6188c706ee7a\n",
    secrets: ["ASIAY34FZKBOKMUTVV7A", "39cb1dfb925a95691b7e3663e6a47655bf29093f8d6691a6ee8c6188c706ee7a", "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQD6ugUc0v8YYGzfw1F5fK8ylZcg5xFhOJBnDnL5WUGW4QIgL7Hh3qM9oJ3xO8ugfQdoj5VtVY8vUZ2PWQ2dhn0eWxQqoAIIs%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FARAAGgw1NjMyMTA5ODc2NTQiDOa5LZ8wZ5fhf2BM7yr0Aa2tsc1BgPiXLTtuNn2wZDWz1g9fF1eOHjR5ZSkD8XsBrWnn3Yk2fFQ2Kp0Wcs5mL7HhF8Yf9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0", "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F"],
    counts: {"PresignedCredential": 1, "SessionToken": 1, "PresignedSignature": 1},
  },
  {
    name: "s3 presign, SigV2",
    text: "https://reports.s3.amazonaws.com/q3.csv?AWSAccessKeyId=AKIAY34FZKBOKMUTVV7A&Signature=ffRLhbAUOizrOi%2Fzyp4P666ACJU%3D&Expires=1795713303\n",
    secrets: ["AKIAY34FZKBOKMUTVV7A", "ffRLhbAUOizrOi%2Fzyp4P666ACJU%3D"],
    counts: {"AccessKeyId": 1, "PresignedSignature": 1},
  },
  {
    name: "ec2 create-key-pair --output json (PEM in a JSON string)",
    text: "{\n    \"KeyPairId\": \"key-a7802d3cde9acaf1f\",\n    \"KeyName\": \"fx1\",\n    \"KeyFingerprint\": \"15:4a:6c:a4:3a:13:3d:f9:67:88:ac:25:b7:a7:b3:77:06:07:c7:ce\",\n    \"KeyMaterial\": \"-----BEGIN RSA PRIVATE KEY-----\\nMIIEogIBAAKCAQEAq908WfpqLki1P1cLQwgRYwsVtxqvJkWbMIGzolvaKZaVc5iZ\\nlegB+FdqGwuKItpnUacxI3zA6naqEkm+IuytMl4Q80VUPBYoHLu6dZX8mO+ZGiTI\\nWh64l0D9mvsYoIlYe0h8zYbkxWi2rHoY+1sH+BaaEA3OU2suGzEzYuOtir0zIrRC\\nfR8Cw9Qn526fdMNntYVt7+bc8jakdDkwtwtf44+cv/SbUolI7tkucNnUTUKcwK1G\\n8SFPPEzijDo/0rPxReLlBPxxMesKp0Nb4h+FXnGG5K7UdOT9wjP6Pqm1Lm46aRA7\\nlZ7e94h75a4AuFjh4d1KMFMmdtknB3HSDtEuPwIDAQABAoIBAA0eIEP1Nz3cIoAN\\n+pfoWZINNQrvmExxW08q/yqBHJg4XE+L52EdPxU/ms4rUHpTiuJHwsTkz0FgwvS4\\nDdv9jkSouwjOaF0Dteu82mus1zBXIquaVh58IiENVANhxKHwNGwzKVod6yqJe7Po\\nx9ew6DKj4FN3B6IErWq5k89USxkqh/T891h0Q24EXo0rZGOwD0yXYJlpVd2Y158+\\nHjBoK0NfT4y2w4Ul+AAPMpuDw7sSoItyz8JUkb85gAqDKAOOuubHyzF3EJ39oHUi\\ndj2VIrfCCG09XMQtmX71IVP9RCTNMwEJWLcrHTk+CrzoYZBxlsIRrOnrkQ9McMy9\\nEffZmYECgYEA4uwMcpn4qgKBp/P8YwtKszwGAtBYF5ZkBl3udyrFFpZk5fqej/2f\\ndkAJaannxVxPsoJoVBDJm9xEIzplkXIHCIvtluiypTv2AsEsxmF9wtXq6ZacoI1A\\nOdk7+DbawnVyFqxOrJD/qs0te6ees088kbXt0do+0AnZxUvBWC93l78CgYEAweMR\\nqjLsAopQ/r31s0S2HEokA32Owbp/5Pj4xomNZdKKf0r2YYUHlXSnqYxWH8C/JIOL\\nvhz/QL9SunUFwmTvsJEVLoVCAUSlyw1R9Od4tVxHPzNZmqI8fXX5avKMNsbwXJEX\\njNM+d1XM5fCJTZ/P1atfIeaJ02rdet6OgB7ICYECgYA5pa/P2U+zmOlpSnFek/rJ\\nJ8F7K4SFkX4do/U1rtbc0x4U0qM/fzXoa4I4pqIroDTa64gnexBMmRtyO56b4XTp\\n9epIwRrJIT9xGbQPPaseOQvxhYKKwveC+q3ic8UFS6LNIb7m1fstX+xjEoUdlk6T\\n0bz159S3MxlwprsadQyTrwKBgDepuAWT7vvft9catDJOVLYUdvhlkJl/sH4NGGbv\\nUJ/d7RMUc12V8pJu1j+v4X3mOToDZhgjfQiapOaQ+CFSFxoq3NjpOwTgL3T3EwNr\\nfNUcc/vqAxyI3TLrrrqMfcKwJIt+wDMW5oUeJeARyWl2qxVdyMcTx5fhw0omIOUZ\\ncTaBAoGAGbSNcD2lbAGbejn0xPHHbeuOJdAQKUlclWt6lAtD8AHsKhwAaYEOYO7/\\nNyqRvEx2MDcGLh6UEG9PWYSF2pz/otC9sjQsq5/V1te+D/A8OwzrZWuuHpMbsZLK\\nKeGBRqtn/DhWK/Nmsgu/SgVcKFbKV/fHGHh0sMC70L1r4SbDhIk=\\n-----END RSA PRIVATE KEY-----\\n\"\n}\n",
    secrets: ["MIIEogIBAAKCAQEAq908WfpqLki1P1cLQwgRYwsVtxqvJkWbMIGzolvaKZaVc5iZ", "MIIE"],
    counts: {"PrivateKey": 1},
  },
  {
    name: "ec2 create-key-pair --output text (PEM over lines)",
    text: "9d:d2:5a:a4:5c:6f:b4:58:d4:9e:65:62:6b:0e:88:48:88:b8:bf:08\t-----BEGIN RSA PRIVATE KEY-----\nMIIEogIBAAKCAQEAogGfCLReIU5BO1yCeSVUN4pgJIsONpMsZt4FaG8k+OuSAgHm\njVeyFkplZ5EX6hX1wuuHEoBEMn+nS1U79ODxz7piCP4uyA2TRXXJ4v5U2Yo/IOYe\nos3BePF0FVSO/0//+J9u3V4Lr7ohKFnmCoWG5pFcGg7bgNvTtmly81RwxqRcnyyq\npX9bxuoejnoBUjzv9Jqw0CG8H+EwLQkevlAunGoMJb5AoNwlRO2XfgEr5a7+6feg\nTjJl71OFW7m/n9YXb6rPA8Uj+VZEadsLHy2er4+QcB2VflbDEh23kRz+qmzmeS+Q\nkcLHWagyatGmmwrRSCk+h7q7pbgVFgR5vPCPFQIDAQABAoIBAAZ/YyYBue7DCTm8\nxZzfQufxXFbK3viQYY0EpZnhL03ugM4kzl7n4AQl2rhTKO7iD5fQQ3wZ+eI+nXKX\nig6RwREQTCNJMo4igUAdb8nzYmrRMSP8Jsln0DUuFfZPDGcwCbeqiVNGlNho8jCA\nnonYficcOGHxK5uY9X5Q72PUBKvq1k9AF+00mG3fP0BmMtnvVfVS9Nh+16Ut+bE/\nP0XBR8wUgIePWhJdvc90FKzQ7SuMgDo4WsmGAQCiITp95f8m52RvebS8AdA5Luv1\nmpBB/D/DfkH38Jr2ro9L7XaxlvzwWyHDVcimCDcjKdp8C85wCz1ZjGLlisVLlIpB\nLY2OcycCgYEA2WOHLwB538vkBc/Bhly4YOgxvYUpvJbZ3J1v6V6vSTouBpuCoD7r\naYawLZlVsQ/PtMRDICez8K0aua41dUtvANvxti8s6XKF66Ahx8jQmeTFJHtS3LqJ\nUvA4IaEfUx6I92Rrb/7nYTiotgkdyUTlg6Hnk/Bfy9HDUSu7rKPBfXsCgYEAvsfn\nNOhRiS48Ybo+z5TWCgqd0ZlmuK3U8ACtwbfQReoq0iibZo7bb4Nsr5ayM4ukMXwu\n06D8ug3cFwyDH2w5pkwmv7HN41YqeIZGoMzjFLEakyk4Ivt73kl9Gvc91cOQ8obq\nQJ4sM1JKh19sck1YnNdQpF0F8b4z/XFATEWk2K8CgYBXqoBwnvOHIdUx1seHZMri\nIaE1eYcMS5VOF5ty9EEh+bln5ry13MnYw3021lgtUGAF2QPs6rXxAA4ABVX/mE0K\nfqgqPToSZqHFFM2qoLwm44/xF16iLwOEE+W/Ahf80BqSEcgV4Sj0FwJKbsC5UvRv\nshIOoegv7MakbEuB4oP8EwKBgGlUhvMv/KxHabDvGfSTkOS0XdO15P+7gaAMT+Jv\nML8Y/RFQuBOUddSIc/4xritFQp7LmDLhZAb41fWnw9EaeG23B4G4khqcnRAz2lS3\nKfxnl2t+S28M96OPYVH9BRe7RJCSKk0IxxCCs4EwDvjAeVcGjZBhh4GjaKLZ3wz9\nOnkjAoGAW/jVbooysUeekvO2Bhe1JjAPmljncvoihvWibegbv7h5c0rcqYbikIzx\ncFXwYWuk0zchtMg5f63Lt04fxtTQjNAVqP31gSYdFX1FS6jVy8ViPpuJx6N4SkLq\niC7COSBLPYvIQFvSGbPktKAaMKSOJANQFXAq7qB3+f1g4Fajyww=\n-----END RSA PRIVATE KEY-----\n\tfx2\tkey-8fb78c1e7b665627f\n",
    secrets: ["MIIEogIBAAKCAQEAogGfCLReIU5BO1yCeSVUN4pgJIsONpMsZt4FaG8k+OuSAgHm", "jVeyFkplZ5EX6hX1wuuHEoBEMn+nS1U79ODxz7piCP4uyA2TRXXJ4v5U2Yo/IOYe", "os3BePF0FVSO/0//+J9u3V4Lr7ohKFnmCoWG5pFcGg7bgNvTtmly81RwxqRcnyyq", "pX9bxuoejnoBUjzv9Jqw0CG8H+EwLQkevlAunGoMJb5AoNwlRO2XfgEr5a7+6feg", "TjJl71OFW7m/n9YXb6rPA8Uj+VZEadsLHy2er4+QcB2VflbDEh23kRz+qmzmeS+Q", "kcLHWagyatGmmwrRSCk+h7q7pbgVFgR5vPCPFQIDAQABAoIBAAZ/YyYBue7DCTm8", "xZzfQufxXFbK3viQYY0EpZnhL03ugM4kzl7n4AQl2rhTKO7iD5fQQ3wZ+eI+nXKX", "ig6RwREQTCNJMo4igUAdb8nzYmrRMSP8Jsln0DUuFfZPDGcwCbeqiVNGlNho8jCA", "nonYficcOGHxK5uY9X5Q72PUBKvq1k9AF+00mG3fP0BmMtnvVfVS9Nh+16Ut+bE/", "P0XBR8wUgIePWhJdvc90FKzQ7SuMgDo4WsmGAQCiITp95f8m52RvebS8AdA5Luv1", "mpBB/D/DfkH38Jr2ro9L7XaxlvzwWyHDVcimCDcjKdp8C85wCz1ZjGLlisVLlIpB", "LY2OcycCgYEA2WOHLwB538vkBc/Bhly4YOgxvYUpvJbZ3J1v6V6vSTouBpuCoD7r", "aYawLZlVsQ/PtMRDICez8K0aua41dUtvANvxti8s6XKF66Ahx8jQmeTFJHtS3LqJ", "UvA4IaEfUx6I92Rrb/7nYTiotgkdyUTlg6Hnk/Bfy9HDUSu7rKPBfXsCgYEAvsfn", "NOhRiS48Ybo+z5TWCgqd0ZlmuK3U8ACtwbfQReoq0iibZo7bb4Nsr5ayM4ukMXwu", "06D8ug3cFwyDH2w5pkwmv7HN41YqeIZGoMzjFLEakyk4Ivt73kl9Gvc91cOQ8obq", "QJ4sM1JKh19sck1YnNdQpF0F8b4z/XFATEWk2K8CgYBXqoBwnvOHIdUx1seHZMri", "IaE1eYcMS5VOF5ty9EEh+bln5ry13MnYw3021lgtUGAF2QPs6rXxAA4ABVX/mE0K", "fqgqPToSZqHFFM2qoLwm44/xF16iLwOEE+W/Ahf80BqSEcgV4Sj0FwJKbsC5UvRv", "shIOoegv7MakbEuB4oP8EwKBgGlUhvMv/KxHabDvGfSTkOS0XdO15P+7gaAMT+Jv", "ML8Y/RFQuBOUddSIc/4xritFQp7LmDLhZAb41fWnw9EaeG23B4G4khqcnRAz2lS3", "Kfxnl2t+S28M96OPYVH9BRe7RJCSKk0IxxCCs4EwDvjAeVcGjZBhh4GjaKLZ3wz9", "OnkjAoGAW/jVbooysUeekvO2Bhe1JjAPmljncvoihvWibegbv7h5c0rcqYbikIzx", "cFXwYWuk0zchtMg5f63Lt04fxtTQjNAVqP31gSYdFX1FS6jVy8ViPpuJx6N4SkLq", "iC7COSBLPYvIQFvSGbPktKAaMKSOJANQFXAq7qB3+f1g4Fajyww="],
    counts: {"PrivateKey": 1},
  },
  {
    name: "cognito-idp initiate-auth (JWT, JWE)",
    text: "{\n    \"ChallengeParameters\": {},\n    \"AuthenticationResult\": {\n        \"AccessToken\": \"eyJraWQiOiJYazIiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI5YTFjIiwidG9rZW5fdXNlIjoiaWQiLCJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLmV1LXdlc3QtMS5hbWF6b25hd3MuY29tL2V1LXdlc3QtMV9BYjEyIiwiZXhwIjoxNzk1NzEzMzAzfQ.KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo-QkZKTlJWWl5iZmpucnZ6foKGio6Slpqc\",\n        \"ExpiresIn\": 3600,\n        \"TokenType\": \"Bearer\",\n        \"RefreshToken\": \"eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.Zq3mWd8lXk2v9Jx0Pq7t1Yb4Nc6Rh5Sg.Ab12Cd34Ef56Gh78.Xk9pQ2wLm7Vn4Rt8Yc3Bz6Hd1Jf5Kg0Ms.Tq8Wn2Pz4Lx6Vb0Rc1Yd\",\n        \"IdToken\": \"eyJraWQiOiJYazIiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI5YTFjIiwidG9rZW5fdXNlIjoiaWQiLCJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLmV1LXdlc3QtMS5hbWF6b25hd3MuY29tL2V1LXdlc3QtMV9BYjEyIiwiZXhwIjoxNzk1NzEzMzAzfQ.KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo-QkZKTlJWWl5iZmpucnZ6foKGio6Slpqc\"\n    }\n}\n",
    secrets: ["eyJzdWIiOiI5YTFjIiwidG9rZW5fdXNlIjoiaWQiLCJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLmV1LXdlc3QtMS5hbWF6b25hd3MuY29tL2V1LXdlc3QtMV9BYjEyIiwiZXhwIjoxNzk1NzEzMzAzfQ", "KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo-QkZKTlJWWl5iZmpucnZ6foKGio6Slpqc", "Tq8Wn2Pz4Lx6Vb0Rc1Yd"],
    counts: {"JWT": 3},
  },
  {
    name: "an error on stderr naming an access key id",
    text: "\nAn error occurred (NoSuchEntity) when calling the DeleteAccessKey operation: The Access Key with id AKIAQWERTYUIOPASDFGH cannot be found\n",
    secrets: ["AKIAQWERTYUIOPASDFGH"],
    counts: {"AccessKeyId": 1},
  },
  {
    name: "eks get-token",
    text: "{\n    \"kind\": \"ExecCredential\",\n    \"apiVersion\": \"client.authentication.k8s.io/v1beta1\",\n    \"spec\": {},\n    \"status\": {\n        \"expirationTimestamp\": \"2026-11-26T16:29:06Z\",\n        \"token\": \"k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lBWTM0RlpLQk9LTVVUVlY3QSUyRjIwMjYxMTI2JTJGdXMtZWFzdC0xJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjExMjZUMTYxNTA2WiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9ZDU4MmY2M2JlZDM5MzBkODkyMjI4MWE2YzI5M2ZhZmUzNTFmNjExOWIwYTkyMzk2ODY0NTJkY2M3MGVkMTI3MA\"\n    }\n}\n\n",
    secrets: ["aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20vP"],
    counts: {"EksToken": 1},
  },
  {
    name: "ecr get-login-password",
    text: "eyJwYXlsb2FkIjoiQVFJREFIaFUwY0dORGJ3TzhCRU1KSnVFNElUQkJiNlAwUnhRL1pBdmZxR2tZa3A0d3dHbzVOYVA3eEZrU0daSDN3ckFCZGQyQUFBQ0hqQ0NBaG9HQ1NxR1NJYjNEUUVIQnFDQ0Fnc3dnZ0lIQWdFQU1JSUNBQVlKS29aSWh2Y05BUWNCTUI0R0NXQ0dTQUZsQXdRQkxqQVJCQXhYQmRXaE4iLCJkYXRha2V5IjoiQVFFQkFIaHdtMFlhSVNKZVJ0Sm01bjFHNnVxZWVrWHVvWFhQZTVVRmNlOVJxOC8xNHdBQUFINHdmQVlKS29aSWh2Y05BUWNHb0c4d2JRSUJBREJvQmdrcWhraUc5dzBCQndFd0hnWUpZSVpJQVdVREJBRXVNQkVFREZrR0k1SkdWOSIsInZlcnNpb24iOiIyIiwidHlwZSI6IkRBVEFfS0VZIiwiZXhwaXJhdGlvbiI6MTc5NTcxMzMwM30=\n",
    secrets: ["eyJwYXlsb2FkIjoiQVFJREFIaFUwY0dORGJ3TzhCRU1KSnVFNElUQkJiNlAw", "IiwidHlwZSI6IkRBVEFfS0VZIiwiZXhwaXJhdGlvbiI6MTc5NTcxMzMwM30="],
    counts: {"EcrToken": 1},
  },
  {
    name: "secretsmanager get-secret-value holding keys as escaped JSON",
    text: "{\n    \"ARN\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:ci/deployer-Ab12Cd\",\n    \"Name\": \"ci/deployer\",\n    \"SecretString\": \"{\\\"aws_access_key_id\\\":\\\"AKIA5QXNZKO3E7RLTW2M\\\",\\\"aws_secret_access_key\\\":\\\"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\\\"}\",\n    \"VersionStages\": [\n        \"AWSCURRENT\"\n    ]\n}\n",
    secrets: ["AKIA5QXNZKO3E7RLTW2M", "h7Qv/3kLZr9T+e2WbN1xYpC8sJmD4fGaU6oH0iKq"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1},
  },
  {
    name: "a credentials file printed by s3 cp \u2026 -",
    text: "[default]\naws_access_key_id = ASIA5QXNZKO3E7RLTW2M\naws_secret_access_key = Zr9T+e2WbN1xYpC8sJmD4fGaU6oH0iKqh7Qv/3kL\naws_session_token = IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6ugUc0v8YYGzfw1F5fK8ylZcg5xFhOJBnDnL5WUGW4QIgL7Hh3qM9oJ3xO8ugfQdoj5VtVY8vUZ2PWQ2dhn0eWxQqoAIIs///////////ARAAGgw1NjMyMTA5ODc2NTQiDOa5LZ8wZ5fhf2BM7yr0Aa2tsc1BgPiXLTtuNn2wZDWz1g9fF1eOHjR5ZSkD8XsBrWnn3Yk2fFQ2Kp0Wcs5mL7HhF8Yf9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0\n",
    secrets: ["ASIA5QXNZKO3E7RLTW2M", "Zr9T+e2WbN1xYpC8sJmD4fGaU6oH0iKqh7Qv/3kL", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVh", "9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1, "SessionToken": 1},
  },
  {
    name: "export lines",
    text: "export AWS_ACCESS_KEY_ID=ASIA5QXNZKO3E7RLTW2M\nexport AWS_SECRET_ACCESS_KEY=Zr9T+e2WbN1xYpC8sJmD4fGaU6oH0iKqh7Qv/3kL\nexport AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6ugUc0v8YYGzfw1F5fK8ylZcg5xFhOJBnDnL5WUGW4QIgL7Hh3qM9oJ3xO8ugfQdoj5VtVY8vUZ2PWQ2dhn0eWxQqoAIIs///////////ARAAGgw1NjMyMTA5ODc2NTQiDOa5LZ8wZ5fhf2BM7yr0Aa2tsc1BgPiXLTtuNn2wZDWz1g9fF1eOHjR5ZSkD8XsBrWnn3Yk2fFQ2Kp0Wcs5mL7HhF8Yf9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0\n",
    secrets: ["ASIA5QXNZKO3E7RLTW2M", "Zr9T+e2WbN1xYpC8sJmD4fGaU6oH0iKqh7Qv/3kL", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVh", "9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0"],
    counts: {"AccessKeyId": 1, "SecretAccessKey": 1, "SessionToken": 1},
  },
  {
    name: "a bare STS session token (--query \u2026 --output text)",
    text: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6ugUc0v8YYGzfw1F5fK8ylZcg5xFhOJBnDnL5WUGW4QIgL7Hh3qM9oJ3xO8ugfQdoj5VtVY8vUZ2PWQ2dhn0eWxQqoAIIs///////////ARAAGgw1NjMyMTA5ODc2NTQiDOa5LZ8wZ5fhf2BM7yr0Aa2tsc1BgPiXLTtuNn2wZDWz1g9fF1eOHjR5ZSkD8XsBrWnn3Yk2fFQ2Kp0Wcs5mL7HhF8Yf9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0\n",
    secrets: ["IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVh", "9ZmWgQhdL1P0s7tRY3vB2qMUkQ2gNq0JnqXJ0Rr0"],
    counts: {"SessionToken": 1},
  },
];
