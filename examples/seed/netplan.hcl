# The seed scenario: Docker's default networking, declared.
#
#   docker run -d --name web -p 8080:80 nginx     ->  container "web"
#   docker run -d --name isolated --network none  ->  container "isolated"
#   docker run -d --name hostnet --network host   ->  container "hostnet"
#
# The default network "bridge" (bridge netplan0, 172.17.0.0/16, gateway
# 172.17.0.1) is built in, like Docker's docker0; no block is needed for it.

stack = "seed"

variable "http_port" {
  type        = number
  default     = 8080
  description = "host port published to the web container's port 80"
}

container "web" {
  publish {
    host_port      = var.http_port
    container_port = 80
  }
}

container "isolated" {
  network "none" {}
}

container "hostnet" {
  network "host" {}
}
