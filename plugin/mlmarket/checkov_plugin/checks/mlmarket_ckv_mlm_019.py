from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_019(MlmarketCheck):
    rule_id = "CKV_MLM_019"


check = CKV_MLM_019()
